{{/*
Names and labels.
*/}}
{{- define "ir.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ir.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "ir.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "ir.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one component (api, worker, migrate): call with (list . "api"). */}}
{{- define "ir.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "ir.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "ir.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{/*
Variables that carry a secret: only allowed under `secrets` (by reference), refused under `config`.
test/deploy checks that every such variable of the app's config schema is on this list.
*/}}
{{- define "ir.secretVariables" -}}
{{- list "DATABASE_URL" "PAYLOAD_KEY" "PAYLOAD_OLD_KEYS" "BSN_KEY" "BSN_OLD_KEYS" "SMTP_URL" "OIDC_CLIENT_SECRET" "SESSION_SECRET" "TEMPORAL_API_KEY" | toJson -}}
{{- end -}}

{{- define "ir.requiredSecrets" -}}
{{- list "DATABASE_URL" "PAYLOAD_KEY" "BSN_KEY" | toJson -}}
{{- end -}}

{{/*
Non-secret environment: the user's `config`, the Temporal settings, and what the chart fixes itself
(production mode, no embedded dev server, listen on the pod's address). Fails on a secret in `config`
and on a value given twice.
*/}}
{{- define "ir.configData" -}}
{{- $secretVars := include "ir.secretVariables" . | fromJsonArray -}}
{{- $fixed := dict
  "NODE_ENV" "production"
  "HOST" "0.0.0.0"
  "PORT" (toString .Values.api.port)
  "METRICS_PORT" (toString .Values.worker.metricsPort)
  "TEMPORAL_DEV_SERVER" "false"
  "TEMPORAL_ADDRESS" (required "temporal.address is required (host:port of the Temporal frontend)" .Values.temporal.address)
  "TEMPORAL_NAMESPACE" (required "temporal.namespace is required" .Values.temporal.namespace)
  "TEMPORAL_TASK_QUEUE" (required "temporal.taskQueue is required" .Values.temporal.taskQueue)
  "TEMPORAL_TLS" (toString .Values.temporal.tls)
  "TEMPORAL_RETENTION_DAYS" (toString .Values.temporal.retentionDays)
  "WORKER_MAX_CACHED_WORKFLOWS" (toString (int .Values.worker.cache.maxCachedWorkflows))
  "DATABASE_MIGRATE_ON_START" (ternary "false" "true" .Values.migrations.enabled)
-}}
{{- if .Values.temporal.uiUrl -}}
{{- $_ := set $fixed "TEMPORAL_UI_URL" .Values.temporal.uiUrl -}}
{{- end -}}
{{- $data := dict -}}
{{- range $name, $value := .Values.config -}}
{{- if has $name $secretVars -}}
{{- fail (printf "config.%s is a secret: give it under secrets.%s as { name, key } of an existing Secret" $name $name) -}}
{{- end -}}
{{- if hasKey $fixed $name -}}
{{- fail (printf "config.%s is set by the chart itself (see values.yaml: temporal, api.port, worker.metricsPort)" $name) -}}
{{- end -}}
{{- if kindIs "invalid" $value -}}{{- else -}}
{{- $_ := set $data $name (toString $value) -}}
{{- end -}}
{{- end -}}
{{- toYaml (merge $data $fixed) -}}
{{- end -}}

{{/* env entries of the secrets, each a secretKeyRef to an existing Secret. */}}
{{- define "ir.secretEnv" -}}
{{- $secretVars := include "ir.secretVariables" . | fromJsonArray -}}
{{- range $name := include "ir.requiredSecrets" . | fromJsonArray }}
{{- if not (hasKey $.Values.secrets $name) }}
{{- fail (printf "secrets.%s is required: { name: <existing Secret>, key: <key> }" $name) }}
{{- end }}
{{- end }}
{{- range $name, $ref := .Values.secrets }}
{{- if not (has $name $secretVars) }}
{{- fail (printf "secrets.%s is not a secret variable of the app; non-secret settings go under config" $name) }}
{{- end }}
{{- if not (kindIs "map" $ref) }}
{{- fail (printf "secrets.%s must be { name: <existing Secret>, key: <key> }, never the value itself" $name) }}
{{- end }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ required (printf "secrets.%s.name is required" $name) $ref.name | quote }}
      key: {{ required (printf "secrets.%s.key is required" $name) $ref.key | quote }}
{{- end }}
{{- end -}}

{{- define "ir.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "ir.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Pod-level settings shared by the API, the worker and the migration Job. */}}
{{- define "ir.podCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.serviceAccountName }}
serviceAccountName: {{ . }}
{{- end }}
automountServiceAccountToken: false
enableServiceLinks: false
securityContext:
  {{- include "ir.podSecurityContext" . | nindent 2 }}
volumes:
  - name: tmp
    emptyDir:
      sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end -}}

{{/* The worker's memory (MiB): its base plus its cache (WORKER_MAX_CACHED_WORKFLOWS) at the measured RSS per workflow. */}}
{{- define "ir.workerMemoryMiB" -}}
{{- $n := int .Values.worker.cache.maxCachedWorkflows -}}
{{- $perWorkflow := int .Values.worker.cache.rssKiBPerWorkflow -}}
{{- add (int .Values.worker.memory.baseMiB) (div (add (mul $n $perWorkflow) 1023) 1024) -}}
{{- end -}}

{{/* The worker's V8 heap (MiB): the memory less room for the native Temporal Core runtime and buffers. */}}
{{- define "ir.workerHeapMiB" -}}
{{- sub (include "ir.workerMemoryMiB" . | int) (int .Values.worker.memory.nativeMiB) -}}
{{- end -}}
