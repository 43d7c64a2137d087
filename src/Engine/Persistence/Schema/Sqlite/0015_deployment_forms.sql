-- Postkorb (issue 10): the form-js forms deployed with a process version (camunda:formKey → the form's JSON), kept so a
-- restarted node still shows and checks them: forms posted with an API deployment exist nowhere else, and a version of
-- the processes folder keeps the forms it was deployed with. One row per tenant, process, version and form key.
CREATE TABLE deployment_forms (
    tenant_id   TEXT    NOT NULL,
    process_id  TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    form_key    TEXT    NOT NULL,
    file        TEXT    NOT NULL,
    schema_json TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, process_id, version, form_key)
);
