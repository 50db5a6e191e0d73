import { parser } from '@prometheus-io/lezer-promql';

/** Grafana's interval variables, replaced by a plausible range before parsing. */
const GRAFANA_VARIABLES = /\$__(rate_interval|interval|range)|\$\{__(rate_interval|interval|range)\}/g;

export interface ParsedExpr {
  /** Positions of syntax errors (empty when the expression parses). */
  readonly errors: readonly number[];
  /** Metric names of every vector selector, in order of appearance. */
  readonly metrics: readonly string[];
}

/** Parses PromQL with Prometheus' own Lezer grammar and lists the metric names it selects. */
export function parsePromql(expr: string): ParsedExpr {
  const text = expr.replace(GRAFANA_VARIABLES, '5m');
  const errors: number[] = [];
  const metrics: string[] = [];
  parser.parse(text).iterate({
    enter(node) {
      if (node.type.isError) {
        errors.push(node.from);
      }
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') {
        metrics.push(text.slice(node.from, node.to));
      }
    },
  });
  return { errors, metrics };
}
