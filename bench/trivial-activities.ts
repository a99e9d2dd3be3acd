/** Activities of the trivial baseline workflow: no I/O, so only Temporal's own cost is measured. */
export const trivialActivities = {
  async noop(): Promise<void> {},
};
