/** Activities of the trivial baseline workflow: no I/O, so only Temporal's own cost is measured. */
export const trivialActivities = {
  /**
   * Does nothing but say when it ran, so the benchmark can time the baseline to its last activity, as it times a
   * booking to the moment confirmBooking writes `confirmed`.
   */
  async noop(): Promise<number> {
    return Date.now();
  },
};
