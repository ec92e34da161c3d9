-- A membership is the person's to accept (issue 18): an admin's invitation makes it
-- pending, and only the person, signed in to their own account and holding that
-- organisation's link, accepts it. Until then it opens nothing.
-- The name is the one the organisation gave them: an admin sees what they typed, never
-- the name an account holds elsewhere.
ALTER TABLE members ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN accepted_at BIGINT;
UPDATE members SET name = (SELECT u.name FROM users u WHERE u.id = members.user_id);
-- Memberships that exist today: an account's first one stands if it has a password (it
-- was made with the account); any later one may have been added by another organisation
-- without the person's say, so it waits for them to accept a fresh invitation.
UPDATE members SET accepted_at = 0
 WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = members.user_id AND u.password_hash IS NOT NULL)
   AND NOT EXISTS (SELECT 1 FROM members e WHERE e.user_id = members.user_id
                   AND (e.created_at < members.created_at
                        OR (e.created_at = members.created_at AND e.id < members.id)));
