-- A tenant's version of a shared model as a reference (issue 16 item 4: shared models with local overlays), not a merged copy:
-- shared_tenant_id, shared_version  the stored version of the same process id the version is made from (the shared model,
--              the default tenant's version); null for a version with its own model (bpmn_xml);
-- overlay_json the tenant's overlay as compact JSON, applied to the shared version's model when the model is read.
-- A reference row keeps bpmn_xml '' (no copy of the model) and content_hash 'overlay:{shared content hash}:{overlay hash}'.
ALTER TABLE deployments ADD COLUMN shared_tenant_id TEXT;
ALTER TABLE deployments ADD COLUMN shared_version INTEGER;
ALTER TABLE deployments ADD COLUMN overlay_json TEXT;
