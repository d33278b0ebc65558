/**
 * The ohm-js grammars of the program language and of type expressions. Grammar text only:
 * meaning is attached in parse.ts (terms) and typeSyntax.ts (types).
 *
 * Program text (both forms of the original system):
 *   (f a b c)        curried application, at least one argument
 *   (lam body)       abstraction; `lambda` is accepted too
 *   $i               de Bruijn index;  #i  abstraction parameter (Stitch bodies)
 *   {fn_0}(body)     an invention written inline with its body (combined form)
 *   name             a primitive, or an invention by name (Stitch form)
 * A name is any run of characters other than whitespace, parentheses and braces that is not
 * `lam`/`lambda`, `$i` or `#i`: this covers every token of the Stitch corpora
 * (`T`, `r_s`, `-1.5`, `+`, `/seq`, `&x`, `lam_1`).
 */
export const programGrammarSource = String.raw`
Program {
  Program = Term end

  // Atoms first: most terms are atoms, and trying them first halves matching time.
  Term = atom | Invention | Abstraction | Application

  Abstraction = "(" lambdaKeyword Term ")"
  Application = "(" Term Term+ ")"
  Invention = inventionName Term

  inventionName = "{" nameChar+ "}"
  // A name, $i or #i: told apart after matching (parse.ts), which is faster than lookaheads.
  atom (a name) = nameChar+
  lambdaKeyword = ("lambda" | "lam") ~nameChar
  nameChar (a name character) = ~(space | "(" | ")" | "{" | "}") any
}
`;

/**
 * Type expressions: `(S -> S) -> S -> S`, arrows associate to the right; constructors with
 * parameters as `list(S)`; variables `t0`, `t1`, ... (as printed by showType) or `'a`.
 */
export const typeGrammarSource = String.raw`
TypeExpr {
  Type = Arrow end

  Arrow = Atom "->" Arrow  -- arrow
        | Atom

  Atom = "(" Arrow ")"                          -- paren
       | typeVariable                           -- variable
       | constructorName "(" ListOf<Arrow, ","> ")"  -- applied
       | constructorName                        -- constant

  typeVariable (a type variable like t0) = "t" digit+ ~identChar  -- numbered
                                         | "'" identChar+         -- named
  constructorName (a type name like S) = ~typeVariable identChar+
  identChar = alnum | "_"
}
`;
