/** The public API of the program language: terms, types, text forms, inference, DSLs. */
export * from './term.ts';
export * from './types.ts';
export * from './result.ts';
export * from './errors.ts';
export { programGrammarSource, typeGrammarSource } from './grammar.ts';
export { parseProgram, parseProgramOrThrow, type ParseOptions, type ProgramForm } from './parse.ts';
export { printProgram, type PrintForm, type PrintOptions } from './print.ts';
export { closestNames, editDistance } from './suggest.ts';
export { inferType, checkType, inferInventionType, canonicalType, TypeUnifier, type TypeEnv } from './infer.ts';
export * from './dsl.ts';
export { parseType, type TypeParseOptions } from './typeSyntax.ts';
export { checkAgainstDomain, type DomainSignature } from './domainCheck.ts';
export { loadDsl, saveDsl, dslFromJson, dslToJson, dslFileSchema, DSL_FILE_FORMAT, DSL_FILE_VERSION, type DslFileJson } from './dslFile.ts';
export { dslFromOriginalJson, typeFromOriginalJson, originalDslSchema, type OriginalDslJson } from './originalDsl.ts';
