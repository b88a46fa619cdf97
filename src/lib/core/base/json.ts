/** Plain JSON: fitted state is stored in IndexedDB, shown in the UI and lowered to ONNX. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
