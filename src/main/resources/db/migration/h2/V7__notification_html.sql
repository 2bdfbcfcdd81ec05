-- The HTML form of a notification's text, rendered from a template's html file (email sends it beside the text).
ALTER TABLE notifications ADD COLUMN html CHARACTER VARYING(1000000);
