// Text modules the Worker bundles (wrangler's default rule for *.txt): the API reference's browser code.
declare module "*.txt" {
  const text: string;
  export default text;
}
