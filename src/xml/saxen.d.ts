// saxen ships no types: the part of its API src/xml/wellformed.ts uses (https://github.com/nikku/saxen).
declare module "saxen" {
  type Decode = (text: string) => string;
  export class Parser {
    constructor(options?: { proxy?: boolean });
    /** getAttrs parses the tag's attributes on demand; its complaints go to "warn". */
    on(
      event: "openTag",
      cb: (name: string, getAttrs: () => Record<string, string>, decode: Decode, selfClosing: boolean) => void,
    ): this;
    on(event: "closeTag", cb: (name: string, decode: Decode, selfClosing: boolean) => void): this;
    /** Text inside the root, as written (entities not decoded). */
    on(event: "text", cb: (text: string, decode: Decode) => void): this;
    on(event: "cdata", cb: (text: string) => void): this;
    /** What is between `<!--` and `-->`. */
    on(event: "comment", cb: (text: string, decode: Decode) => void): this;
    /** A whole `<?...?>`. */
    on(event: "question", cb: (text: string) => void): this;
    /** A whole `<!...>` that is not a comment or CDATA (a DOCTYPE, say). */
    on(event: "attention", cb: (text: string, decode: Decode) => void): this;
    on(event: "error" | "warn", cb: (err: Error) => void): this;
    /** One whole document. */
    parse(xml: string): Error | null;
    /** The next piece of a document; an unfinished token waits for the next write. */
    write(xml: string): this;
    end(): Error | null;
  }
}
