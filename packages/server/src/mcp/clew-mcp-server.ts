import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerCompareAttributesTool } from './compare-attributes-tool.js';
import { registerEndpointTools } from './endpoint-tools.js';
import { registerHealthTools } from './health-tools.js';
import type { McpDeps } from './mcp-deps.js';
import { registerSearchTools } from './search-tools.js';
import { registerTraceTools } from './trace-tools.js';

/** What an assistant is told on connecting: the tools in the order an investigation uses them. */
const INSTRUCTIONS =
  'Clew holds distributed traces and the span metrics counted from them. To explain slowness or errors: red_metrics and ' +
  'service_map show which service and operation is slow or failing and since when; slo_status shows which objectives burn; ' +
  'search_traces finds example traces (sort=duration for the slowest); get_trace outlines one, critical_path says where its ' +
  'time went (endpoint_critical_path across many requests of one endpoint), trace_patterns finds N+1 calls and ' +
  'retries in it, get_span shows a span\'s attributes, trace_diff compares a slow trace with a fast one, and compare_attributes says ' +
  'which attribute values the slow or failing spans have more often than the rest. Every tool only reads.';

/** A new MCP server with Clew's read-only tools; one per request, as the SDK's stateless streamable HTTP server is built. */
export function clewMcpServer(deps: McpDeps, version: string): McpServer {
  const server = new McpServer({ name: 'clew', version }, { instructions: INSTRUCTIONS });
  registerSearchTools(server, deps);
  registerTraceTools(server, deps);
  registerCompareAttributesTool(server, deps);
  registerEndpointTools(server, deps);
  registerHealthTools(server, deps);
  return server;
}
