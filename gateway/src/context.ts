/** Per-request state of the gateway. */
export interface GatewayContext {
  requestId: string;
  authorization?: string;
  /** Every subgraph request made for this operation, for the request log. */
  subgraphCalls: { subgraph: string; milliseconds: number; outcome: string }[];
}
