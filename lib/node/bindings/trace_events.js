// internalBinding('trace_events'): CoroJS has no trace-event recorder, so
// every category reads as disabled and nothing is traced.
export default {
  trace() {},
  isTraceCategoryEnabled: () => false,
  setTraceCategoryStateUpdateHandler() {},
  getCategoryEnabledBuffer: () => new Uint8Array(1),
  available: false,
};
