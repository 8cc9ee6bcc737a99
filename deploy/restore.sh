#!/bin/sh
# Restore a backup (docs/deploy.md, section 9) onto this installation, then check it: every table's row count
# and every upload's checksum against the backup's manifest, and the audit chains against the anchors saved
# with it. Stop the app servers and the workers first. It asks before it overwrites anything. Usage:
#   deploy/restore.sh                            the newest backup in CHIEFTECH_BACKUP_DIR
#   deploy/restore.sh --stamp 20261205-010000    that one (deploy/restore.sh --list shows them)
#   deploy/restore.sh --noinput                  without the question, for a scripted restore drill
set -eu
ENV_FILE=${CHIEFTECH_ENV_FILE:-/etc/chieftech/env}
if [ -r "$ENV_FILE" ]; then
    set -a; . "$ENV_FILE"; set +a
fi
CHIEFTECH=${CHIEFTECH:-/srv/chieftech/venv/bin/chieftech}

exec "$CHIEFTECH" restore "$@"
