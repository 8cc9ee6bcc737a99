#!/bin/sh
# The nightly backup (docs/deploy.md, section 9), run from the chieftech user's crontab on one app server:
#   0 1 * * *   /srv/chieftech/deploy/backup.sh
# It reads the installation's environment, writes the database dump, the uploads, the day's audit anchors and
# a manifest to CHIEFTECH_BACKUP_DIR (keeping the newest CHIEFTECH_BACKUP_KEEP), then copies that folder off the
# machine when CHIEFTECH_BACKUP_REMOTE names an rsync target. A failure exits non-zero, so cron mails it.
set -eu
ENV_FILE=${CHIEFTECH_ENV_FILE:-/etc/chieftech/env}
if [ -r "$ENV_FILE" ]; then
    set -a; . "$ENV_FILE"; set +a
fi
CHIEFTECH=${CHIEFTECH:-/srv/chieftech/venv/bin/chieftech}

"$CHIEFTECH" backup
if [ -n "${CHIEFTECH_BACKUP_REMOTE:-}" ]; then
    rsync -a "${CHIEFTECH_BACKUP_DIR:?CHIEFTECH_BACKUP_DIR must be set to copy the backups off the machine}/" \
        "$CHIEFTECH_BACKUP_REMOTE/"
fi
