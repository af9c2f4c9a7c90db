import { dirname, join } from 'node:path';
import * as ts from 'typescript';

/**
 * The schema validators accept fields they do not know (a misspelt `timeoutSecond` passes), where `kubectl apply`
 * refuses them (strict field validation). The models' TypeScript types do know every field: each object is written
 * as a literal of its kind's type and type-checked, so that TypeScript's excess property check names any unknown
 * field, and its types any value of the wrong type.
 */
export interface ObjectToCheck {
  /** Where it comes from, for the messages: `20-api.yaml Deployment api`. */
  label: string;
  /** Module and interface of its type, e.g. ['kubernetes-models/apps/v1/Deployment', 'IDeployment']. */
  type: [string, string];
  object: unknown;
}

export function unknownFieldErrors(objects: ObjectToCheck[], directory: string): string[] {
  const file = join(directory, '__manifests_as_typescript__.ts');
  const source = objects
    .map(({ type, object }, index) => `export const o${index}: import(${JSON.stringify(type[0])}).${type[1]} = ${JSON.stringify(object)};`)
    .join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    target: ts.ScriptTarget.ES2022,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, ...rest) =>
    name === file ? ts.createSourceFile(name, source, languageVersion) : getSourceFile(name, languageVersion, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  host.getCurrentDirectory = () => dirname(file);
  const program = ts.createProgram([file], options, host);
  const sourceFile = program.getSourceFile(file);
  return [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)].map((diagnostic) => {
    const line =
      diagnostic.start === undefined || !diagnostic.file ? -1 : diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line;
    return `${objects[line]?.label ?? '?'}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
  });
}
