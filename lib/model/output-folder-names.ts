// Folder names of the output that a fleet's own names must not take (an environment or cluster named
// like them would share their folder). The layout itself is described in lib/output/.

/** charts-out/<env>/gitops/ per environment, charts-out/gitops/ for the fleet. */
export const GITOPS_FOLDER = 'gitops';
