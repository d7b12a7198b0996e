// What next-env.d.ts (generated, not committed) declares, so `tsc -p apps/storefront` works
// before the first build; React 19 APIs (form actions, useActionState) come from the
// canary types because Next's App Router runs its own React 19.
/// <reference types="next" />
/// <reference types="next/image-types/global" />
/// <reference types="react/canary" />
/// <reference types="react-dom/canary" />

declare module '*.module.css' {
  const classes: { readonly [name: string]: string };
  export default classes;
}
