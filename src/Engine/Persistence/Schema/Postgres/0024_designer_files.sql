-- Designer (issue 11): a draft keeps the user-task forms (form-js) edited beside the model and the scenarios written or
-- recorded for it, as one JSON object {"forms": {"NAME.form": "…"}, "scenarios": {"NAME.scenario.yaml": "…"}}.
ALTER TABLE designer_drafts ADD COLUMN files_json TEXT NULL;
