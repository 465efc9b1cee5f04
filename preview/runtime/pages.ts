/** app.json's pages as routes; read by the build (in Node) and the runtime (in the browser) alike. */
export interface PackagedPages {
  pages: string[];
  subPackages?: Array<{ root: string; pages: string[] }>;
  subpackages?: Array<{ root: string; pages: string[] }>;
}

/** Every page's route: the main package's, then each subpackage's under its root (either spelling). */
export const pageRoutes = (app: PackagedPages): string[] => [
  ...app.pages,
  ...[...(app.subPackages ?? []), ...(app.subpackages ?? [])].flatMap((sub) =>
    sub.pages.map((page) => `${sub.root.replace(/\/+$/, '')}/${page}`),
  ),
];
