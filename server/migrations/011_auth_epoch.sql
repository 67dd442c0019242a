-- Hand-written. One counter that moves whenever something a resolved credential depends on changes:
-- tokens, a user's disabled state, global roles, org and team memberships, a team's org. The server
-- remembers token records and subjects between requests while the counter stands still
-- (server/src/auth/auth-cache.ts), so revoking a token, disabling a user or removing a member applies
-- to the very next request, whichever connection or process made the change (triggers run in each).
CREATE TABLE `auth_epoch` (
	`id` integer PRIMARY KEY CHECK (`id` = 1),
	`n` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `auth_epoch` (`id`, `n`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `auth_epoch_tokens_insert` AFTER INSERT ON `tokens` BEGIN UPDATE `auth_epoch` SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `auth_epoch_tokens_update` AFTER UPDATE ON `tokens` BEGIN UPDATE `auth_epoch` SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `auth_epoch_tokens_delete` AFTER DELETE ON `tokens` BEGIN UPDATE `auth_epoch` SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `auth_epoch_users_update` AFTER UPDATE OF `id`, `disabled_at` ON `users` BEGIN UPDATE `auth_epoch` SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `auth_epoch_users_delete` AFTER DELETE ON `users` BEGIN UPDATE `auth_epoch` SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `auth_epoch_user_roles_insert` AFTER INSERT ON `user_roles` BEGIN UPDATE `auth_epoch` SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `auth_epoch_user_roles_update` AFTER UPDATE ON `user_roles` BEGIN UPDATE `auth_epoch` SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `auth_epoch_user_roles_delete` AFTER DELETE ON `user_roles` BEGIN UPDATE `auth_epoch` SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `auth_epoch_org_members_insert` AFTER INSERT ON `org_members` BEGIN UPDATE `auth_epoch` SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `auth_epoch_org_members_update` AFTER UPDATE ON `org_members` BEGIN UPDATE `auth_epoch` SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `auth_epoch_org_members_delete` AFTER DELETE ON `org_members` BEGIN UPDATE `auth_epoch` SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `auth_epoch_team_members_insert` AFTER INSERT ON `team_members` BEGIN UPDATE `auth_epoch` SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `auth_epoch_team_members_update` AFTER UPDATE ON `team_members` BEGIN UPDATE `auth_epoch` SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `auth_epoch_team_members_delete` AFTER DELETE ON `team_members` BEGIN UPDATE `auth_epoch` SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `auth_epoch_teams_update` AFTER UPDATE OF `id`, `org_id` ON `teams` BEGIN UPDATE `auth_epoch` SET `n` = `n` + 1; END;
--> statement-breakpoint
CREATE TRIGGER `auth_epoch_teams_delete` AFTER DELETE ON `teams` BEGIN UPDATE `auth_epoch` SET `n` = `n` + 1; END;
