-- Who sent a membership's invitation (issue 12): the invitation page names them, so that
-- a person knows who asked them to join before they accept. Null for memberships made
-- before this, at set-up, or from the command line.
ALTER TABLE members ADD COLUMN invited_by TEXT;
