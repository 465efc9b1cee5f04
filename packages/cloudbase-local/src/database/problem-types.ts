/** What GET /_/api/problems answers (problems.ts); apart, so the inspector page can use the shapes. */

/** Documents with one code in one field of one collection, as GET /_/api/problems answers them. */
export interface ProblemGroup {
  collection: string;
  field: string;
  code: string;
  count: number;
  /** The filter (JSON) that lists the whole group in the documents view. */
  where: string;
  /** The newest few; `updatedAt` in Extended JSON (`{"$date": ...}`) when the document has one. */
  docs: Array<{ id: unknown; message?: string; updatedAt?: unknown }>;
}

export interface ProblemsAnswer {
  scanned: number;
  scanLimit: number;
  /** Collections with more documents than `scanLimit`: only their newest were read. */
  truncated: string[];
  groups: ProblemGroup[];
}
