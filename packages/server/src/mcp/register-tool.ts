import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { z } from 'zod';
import { errorAnswer, jsonAnswer } from './answer.js';

/**
 * Registers a read-only tool whose answer is `run`'s value as bounded JSON; a thrown error becomes the tool's error
 * answer (isError), which the assistant reads, rather than a protocol error.
 */
export function readOnlyTool<Shape extends z.ZodRawShape>(
  server: McpServer,
  name: string,
  description: string,
  inputSchema: Shape,
  run: (args: z.infer<z.ZodObject<Shape>>) => Promise<unknown>,
): void {
  server.registerTool(name, { description, inputSchema, annotations: { readOnlyHint: true, openWorldHint: false } }, (async (args: z.infer<z.ZodObject<Shape>>) => {
    try {
      return jsonAnswer(await run(args));
    } catch (err) {
      return errorAnswer(err);
    }
  }) as never);
}
