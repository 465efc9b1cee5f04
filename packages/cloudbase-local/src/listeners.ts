/** A set of listeners told of each change; one that throws is logged and the others are still told. */
export class Listeners<T> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(private readonly label: string) {}

  /** Adds a listener; returns the function that removes it. */
  add(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Tells every listener (a copy of the set, so a listener may remove itself). */
  emit(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        // A watcher's bug must not fail the change it was told about.
        console.error(`[${this.label}] listener failed:`, error);
      }
    }
  }
}
