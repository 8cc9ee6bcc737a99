"""Moving every stored personal value onto the newest key (`chieftech reencrypt`).

Values are read and written as the raw column, outside the models' save(): nothing but the ciphertext and
the look-up hash may change, and no signal or timestamp may fire for a row nobody edited. Rows go in
batches, each in its own transaction, so the command can be stopped and started again; a second run finds
nothing left to do.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, transaction

from chieftech.audit.domain import audit_record
from chieftech.core.pii import EncryptedTextField, decrypt, encrypted_with_newest_key, pii_hash, reencrypt

BATCH = 500


@dataclass
class ReencryptReport:
    values: Counter = field(default_factory=Counter)  # "table.column" -> values rewritten (or, checking, due)
    hashes: Counter = field(default_factory=Counter)  # "table.column" -> hashes rewritten (or due)
    scanned: int = 0

    @property
    def pending(self) -> int:
        return sum(self.values.values()) + sum(self.hashes.values())


def _encrypted_columns():
    for model in apps.get_models():
        columns = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if columns and model._meta.managed and not model._meta.proxy:
            hashes = {
                model._meta.get_field(hash_name).column: model._meta.get_field(source).column
                for hash_name, source in getattr(model, "PII_HASHES", {}).items()
            }
            yield model, [f.column for f in columns], hashes


def personal_data_reencrypt(*, check_only: bool = False) -> ReencryptReport:
    """Rewrite every encrypted value under the first FIELD_ENCRYPTION_KEY, and every look-up hash under the
    current hash key. With `check_only`, count what would change and change nothing."""
    report = ReencryptReport()
    quote = connection.ops.quote_name
    for model, columns, hashes in _encrypted_columns():
        table, pk = model._meta.db_table, model._meta.pk.column
        selected = [pk, *columns, *hashes]
        select = (
            f"SELECT {', '.join(quote(c) for c in selected)} FROM {quote(table)} "  # noqa: S608 - names from the models
            f"WHERE {quote(pk)} > %s ORDER BY {quote(pk)}"
        )
        last = None
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(select + f" LIMIT {BATCH}", [last if last is not None else -1])
                rows = cursor.fetchall()
                for row in rows:
                    values = dict(zip(selected, row, strict=True))
                    changes = {}
                    for column in columns:
                        token = values[column]
                        if token and not encrypted_with_newest_key(token):
                            changes[column] = reencrypt(token)
                            report.values[f"{table}.{column}"] += 1
                    for hash_column, source in hashes.items():
                        plain = decrypt(values[source]) if values[source] else ""
                        expected = pii_hash(plain) if plain else values[hash_column]
                        if expected != values[hash_column]:
                            changes[hash_column] = expected
                            report.hashes[f"{table}.{hash_column}"] += 1
                    if changes and not check_only:
                        assignments = ", ".join(f"{quote(c)} = %s" for c in changes)
                        cursor.execute(
                            f"UPDATE {quote(table)} SET {assignments} WHERE {quote(pk)} = %s",  # noqa: S608
                            [*changes.values(), values[pk]],
                        )
                report.scanned += len(rows)
            if len(rows) < BATCH:
                break
            last = rows[-1][0]
    if not check_only and report.pending:
        audit_record(
            action="system.pii_reencrypt",
            object_type="personal_data",
            object_repr="个人敏感信息",
            reason="用最新密钥重新加密已存储的个人敏感信息",
            after={
                "重新加密": sum(report.values.values()),
                "重算查询哈希": sum(report.hashes.values()),
                "检查的记录": report.scanned,
            },
        )
    return report
