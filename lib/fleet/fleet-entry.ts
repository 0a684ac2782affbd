import { Construct } from 'constructs';
import { userCallSite, type SourceLocation } from './source-location.ts';

/** The fleet document lists that constructs fill: spec.routes, spec.services. */
export type FleetEntryList = 'routes' | 'services';

/**
 * A construct that becomes one entry of a fleet document list. The Fleet finds its entries anywhere
 * below itself, in construct order, so the TypeScript fleet lists them as a fleet file would.
 */
export abstract class FleetEntry<Spec> extends Construct {
  static isFleetEntry(x: unknown): x is FleetEntry<unknown> {
    return x instanceof FleetEntry;
  }

  /** Where the user's code made the entry. */
  readonly createdAt: SourceLocation | undefined = userCallSite();

  /** Which list of the document the entry belongs to. */
  abstract readonly list: FleetEntryList;
  protected abstract readonly spec: Spec;

  /** The entry as the fleet document holds it. */
  toSpec(): Spec {
    return this.spec;
  }
}
