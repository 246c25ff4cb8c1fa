#!/usr/bin/env bash
# Rebuild the shipped claims.db from articles/ (repeatable: same input, same database).
#   bash articles/build-claims-db.sh            # writes ./claims.db at the repository root
# The clock is pinned so that timestamps, and so exports, are identical on every rebuild.
set -euo pipefail
cd "$(dirname "$0")/.."
export VERIFY_NOW="2026-11-26T00:00:00.000000Z"
export VERIFY_USER="verify"
tmp="claims.db.new"
rm -f "$tmp" "$tmp-wal" "$tmp-shm"
verify --db "$tmp" init
verify --db "$tmp" article add articles/taliban-strategy-al-qaeda.txt \
  --title "The Taliban’s Strategy to Strengthen and Govern al-Qaeda"
if verify source --help >/dev/null 2>&1; then
  verify --db "$tmp" source register S/2023/370 \
    --title "Fourteenth report of the Analytical Support and Sanctions Monitoring Team submitted pursuant to resolution 2665 (2022) concerning the Taliban and other associated individuals and entities constituting a threat to the peace, stability and security of Afghanistan" \
    --publisher "United Nations Security Council" --date 2023-06-01 \
    --series "Analytical Support and Sanctions Monitoring Team reports on the Taliban"
  verify --db "$tmp" source register zawahiri-2013 \
    --title "General Guidelines for the Work of Jihad" \
    --publisher "Ayman al-Zawahiri (al-Qaeda)" --date 2013-09
fi
python - "$tmp" <<'PY'
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
conn.execute("VACUUM")
conn.close()
PY
rm -f "$tmp-wal" "$tmp-shm" claims.db-wal claims.db-shm
mv "$tmp" claims.db
echo "wrote claims.db"
