{{/* Names and labels. */}}
{{- define "aftershock.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "aftershock.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one app: call with (dict "root" $ "app" "ingest"). */}}
{{- define "aftershock.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .app }}
{{- end -}}

{{- define "aftershock.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "aftershock.fullname" .)) -}}
{{- end -}}

{{- define "aftershock.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{/* The environment every app and the migrate Job share. */}}
{{- define "aftershock.env" -}}
- name: HTTP_HOST
  value: 0.0.0.0
- name: HTTP_PORT
  value: "8080"
- name: KAFKA_BROKERS
  value: {{ .Values.kafka.brokers | quote }}
- name: KAFKA_CLIENT_ID
  value: {{ .Values.kafka.clientId | quote }}
- name: KAFKA_TOPIC_PARTITIONS
  value: {{ .Values.kafka.topicDefaults.partitions | quote }}
- name: KAFKA_TOPIC_REPLICATION
  value: {{ .Values.kafka.topicDefaults.replication | quote }}
- name: KAFKA_TOPIC_RETENTION
  value: {{ .Values.kafka.topicDefaults.retention | quote }}
{{- if .Values.kafka.tls.enabled }}
- name: KAFKA_SSL
  value: "true"
{{- if .Values.kafka.tls.caSecret }}
- name: KAFKA_SSL_CA_FILE
  value: /etc/aftershock/kafka-ca/ca.crt
{{- end }}
{{- end }}
{{- if ne .Values.kafka.sasl.mechanism "none" }}
- name: KAFKA_SASL_MECHANISM
  value: {{ .Values.kafka.sasl.mechanism | quote }}
- name: KAFKA_SASL_USERNAME
  value: {{ .Values.kafka.sasl.username | quote }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef: { name: {{ include "aftershock.secretName" . }}, key: KAFKA_SASL_PASSWORD }
{{- end }}
- name: CLICKHOUSE_URL
  value: {{ .Values.clickhouse.url | quote }}
- name: CLICKHOUSE_USER
  value: {{ .Values.clickhouse.user | quote }}
- name: CLICKHOUSE_DATABASE
  value: {{ .Values.clickhouse.database | quote }}
{{- if .Values.clickhouse.cluster }}
- name: CLICKHOUSE_CLUSTER
  value: {{ .Values.clickhouse.cluster | quote }}
{{- end }}
- name: CLICKHOUSE_PASSWORD
  valueFrom:
    secretKeyRef: { name: {{ include "aftershock.secretName" . }}, key: CLICKHOUSE_PASSWORD }
- name: AFTERSHOCK_TOKENS
  valueFrom:
    secretKeyRef: { name: {{ include "aftershock.secretName" . }}, key: AFTERSHOCK_TOKENS }
{{- if .Values.tracing.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ .Values.tracing.otlpEndpoint | quote }}
{{- end }}
{{- range $name, $value := .Values.env }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}

{{/* Volumes every pod has: /tmp (the root filesystem is read-only) and the Kafka CA. */}}
{{- define "aftershock.volumes" -}}
- name: tmp
  emptyDir: {}
{{- if and .Values.kafka.tls.enabled .Values.kafka.tls.caSecret }}
- name: kafka-ca
  secret: { secretName: {{ .Values.kafka.tls.caSecret }} }
{{- end }}
{{- end -}}

{{- define "aftershock.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if and .Values.kafka.tls.enabled .Values.kafka.tls.caSecret }}
- name: kafka-ca
  mountPath: /etc/aftershock/kafka-ca
  readOnly: true
{{- end }}
{{- end -}}

{{- define "aftershock.podSettings" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets: {{ toYaml . | nindent 2 }}
{{- end }}
securityContext: {{ toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.nodeSelector }}
nodeSelector: {{ toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations: {{ toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity: {{ toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* A duration as the apps write it (500ms, 30s, 15m, 2h, 7d) in milliseconds. */}}
{{- define "aftershock.durationMs" -}}
{{- $units := dict "ms" 1 "s" 1000 "m" 60000 "h" 3600000 "d" 86400000 -}}
{{- $match := regexFind "^[0-9]+(ms|s|m|h|d)$" . -}}
{{- if not $match -}}{{- fail (printf "%q is not a duration like 30s, 15m, 2h or 7d" .) -}}{{- end -}}
{{- $unit := regexFind "(ms|s|m|h|d)$" . -}}
{{- mul (trimSuffix $unit . | atoi) (index $units $unit) -}}
{{- end -}}
