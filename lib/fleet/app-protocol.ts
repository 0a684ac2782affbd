import type { ProxyProtocol } from '../model/types.ts';
import { DefinitionError } from './source-location.ts';

/**
 * A Service port's `appProtocol`, as Linkerd reads it (2.18 on): it skips protocol detection, which
 * can stall a connection up to 10 s for server-speaks-first protocols. Linkerd treats any value other
 * than these as opaque TCP, so "grpc" or "h2c" would silently turn HTTP features off: only these exist.
 */
export class AppProtocol {
  /** Opaque TCP: no HTTP features, mTLS still. */
  static opaque(): AppProtocol {
    return new AppProtocol('linkerd.io/opaque');
  }

  /** HTTP/1. */
  static http(): AppProtocol {
    return new AppProtocol('http');
  }

  /** HTTP/2 in cleartext, including gRPC. */
  static h2c(): AppProtocol {
    return new AppProtocol('kubernetes.io/h2c');
  }

  /** A value as written in a manifest; throws for any value Linkerd would treat as opaque by accident. */
  static of(value: string): AppProtocol {
    const known = [AppProtocol.opaque(), AppProtocol.http(), AppProtocol.h2c()];
    const found = known.find((p) => p.value === value);
    if (!found) {
      throw new DefinitionError(`appProtocol ${JSON.stringify(value)} is not one Linkerd understands: it would be treated as opaque TCP. Fix: use ${known.map((p) => JSON.stringify(p.value)).join(', ')} (gRPC is "kubernetes.io/h2c")`);
    }
    return found;
  }

  /** The appProtocol that tells clients what a Server's proxyProtocol tells the server; none for detection. */
  static forProxyProtocol(protocol: ProxyProtocol): AppProtocol | undefined {
    switch (protocol) {
      case 'HTTP/1':
        return AppProtocol.http();
      case 'HTTP/2':
      case 'gRPC':
        return AppProtocol.h2c();
      case 'opaque':
      case 'TLS':
        // Clients cannot read TLS the application terminates: to their proxy it is opaque bytes.
        return AppProtocol.opaque();
      default:
        return undefined;
    }
  }

  private constructor(readonly value: string) {}
}
