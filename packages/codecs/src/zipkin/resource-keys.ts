/**
 * Tags that belong to the resource, not the span: the resource attribute names of OpenTelemetry semantic
 * conventions v1.6.1 (what the collector's Zipkin translator uses, `conventions.GetResourceSemanticConventionAttributeNames`)
 * plus the OpenCensus and library keys it adds. Zipkin has no resource, so OpenTelemetry's Zipkin exporters send
 * resource attributes as tags on every span; the translator moves them back.
 */
export const RESOURCE_TAG_KEYS: ReadonlySet<string> = new Set([
  'cloud.provider', 'cloud.account.id', 'cloud.region', 'cloud.availability_zone', 'cloud.platform',
  'aws.ecs.container.arn', 'aws.ecs.cluster.arn', 'aws.ecs.launchtype', 'aws.ecs.task.arn', 'aws.ecs.task.family',
  'aws.ecs.task.revision', 'aws.eks.cluster.arn', 'aws.log.group.names', 'aws.log.group.arns', 'aws.log.stream.names',
  'aws.log.stream.arns',
  'container.name', 'container.id', 'container.runtime', 'container.image.name', 'container.image.tag',
  'deployment.environment',
  'device.id', 'device.model.identifier', 'device.model.name',
  'faas.name', 'faas.id', 'faas.version', 'faas.instance', 'faas.max_memory',
  'host.id', 'host.name', 'host.type', 'host.arch', 'host.image.name', 'host.image.id', 'host.image.version',
  'k8s.cluster.name', 'k8s.node.name', 'k8s.node.uid', 'k8s.namespace.name', 'k8s.pod.uid', 'k8s.pod.name',
  'k8s.container.name', 'k8s.container.restart_count', 'k8s.replicaset.uid', 'k8s.replicaset.name',
  'k8s.deployment.uid', 'k8s.deployment.name', 'k8s.statefulset.uid', 'k8s.statefulset.name', 'k8s.daemonset.uid',
  'k8s.daemonset.name', 'k8s.job.uid', 'k8s.job.name', 'k8s.cronjob.uid', 'k8s.cronjob.name',
  'os.type', 'os.description', 'os.name', 'os.version',
  'process.pid', 'process.executable.name', 'process.executable.path', 'process.command', 'process.command_line',
  'process.command_args', 'process.owner', 'process.runtime.name', 'process.runtime.version',
  'process.runtime.description',
  'service.name', 'service.namespace', 'service.instance.id', 'service.version',
  'telemetry.sdk.name', 'telemetry.sdk.language', 'telemetry.sdk.version', 'telemetry.auto.version',
  'webengine.name', 'webengine.version', 'webengine.description',
  // The collector's additions: where service.name came from, OpenCensus process keys, the library (scope) keys.
  'otlp.service.name.source', 'opencensus.starttime', 'opencensus.exporterversion', 'opencensus.resourcetype',
  'otel.library.name', 'otel.library.version',
]);

/** Zipkin tags the translator gives meaning to. */
export const TAG = {
  serviceNameSource: 'otlp.service.name.source',
  libraryName: 'otel.library.name',
  libraryVersion: 'otel.library.version',
  statusCode: 'otel.status_code',
  statusDescription: 'otel.status_description',
  error: 'error',
  spanKind: 'span.kind',
  traceState: 'w3c.tracestate',
  startTimeAbsent: 'otel.zipkin.absentField.startTime',
} as const;

/**
 * Attributes that keep what Zipkin says and the translator drops, written only when they say something: the
 * model has no place for Zipkin's `shared` and `debug`, and one ip attribute per endpoint (which holds the ipv6
 * when both are sent). Like `otel.zipkin.absentField.startTime`, they become fields again in Zipkin answers.
 */
export const ZIPKIN_ONLY = {
  shared: 'zipkin.shared',
  debug: 'zipkin.debug',
  localIpv4: 'zipkin.local_endpoint.ipv4',
  remoteIpv4: 'zipkin.remote_endpoint.ipv4',
} as const;

/** Attribute keys the endpoints map to (semantic conventions v1.6.1, as the translator uses). */
export const ENDPOINT_KEY = {
  hostIp: 'net.host.ip',
  hostPort: 'net.host.port',
  peerService: 'peer.service',
  peerIp: 'net.peer.ip',
  peerPort: 'net.peer.port',
} as const;
