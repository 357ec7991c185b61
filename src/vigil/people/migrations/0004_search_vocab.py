"""Search: the name vocabulary (NameVocab) kept by triggers, and cheaper indexes.

NameVocab is filled from people_linkkey by an AFTER INSERT/UPDATE trigger on both
databases, and backfilled here. On SQLite, a later migration that remakes
people_linkkey (most AlterField operations) drops its triggers: recreate them
there (tests/people/test_search_vocab.py fails if they are missing).

On PostgreSQL only:
- a trigram GIN index on the vocabulary replaces the ones on LinkKey's surname and
  forename (searching a million records' names by trigram cost ~130 ms a search;
  a few thousand distinct names cost well under a millisecond);
- a word index (`to_tsvector('simple', address)`) answers "address contains these
  words" as a phrase query; the address trigram index stays for the
  similar-address fallback.
"""

from django.db import migrations, models

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION people_linkkey_vocab() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.surname <> '' THEN
        INSERT INTO people_namevocab (kind, value, sound)
        VALUES ('s', NEW.surname, NEW.surname_sound) ON CONFLICT (kind, value) DO NOTHING;
    END IF;
    IF NEW.forename <> '' THEN
        INSERT INTO people_namevocab (kind, value, sound)
        VALUES ('f', NEW.forename, NEW.forename_sound) ON CONFLICT (kind, value) DO NOTHING;
    END IF;
    RETURN NULL;
END $$
"""

_SQLITE_BODY = """
BEGIN
    INSERT OR IGNORE INTO people_namevocab (kind, value, sound)
    SELECT 's', NEW.surname, NEW.surname_sound WHERE NEW.surname <> '';
    INSERT OR IGNORE INTO people_namevocab (kind, value, sound)
    SELECT 'f', NEW.forename, NEW.forename_sound WHERE NEW.forename <> '';
END
"""

_BACKFILL = [
    "INSERT INTO people_namevocab (kind, value, sound) SELECT DISTINCT 's', surname, "
    "surname_sound FROM people_linkkey WHERE surname <> ''",
    "INSERT INTO people_namevocab (kind, value, sound) SELECT DISTINCT 'f', forename, "
    "forename_sound FROM people_linkkey WHERE forename <> ''",
]


def forwards(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run(_PG_FUNCTION)
        run("CREATE TRIGGER people_linkkey_vocab AFTER INSERT OR UPDATE OF surname, forename "
            "ON people_linkkey FOR EACH ROW EXECUTE FUNCTION people_linkkey_vocab()")
        for sql in _BACKFILL:
            run(sql + " ON CONFLICT (kind, value) DO NOTHING")
        run("ANALYZE people_namevocab")  # planned as empty otherwise, which is slow
        run("DROP INDEX IF EXISTS linkkey_surname_trgm")
        run("DROP INDEX IF EXISTS linkkey_forename_trgm")
        run("CREATE INDEX IF NOT EXISTS namevocab_value_trgm ON people_namevocab "
            "USING gin (value gin_trgm_ops)")
        run("CREATE INDEX IF NOT EXISTS linkkey_address_words ON people_linkkey "
            "USING gin (to_tsvector('simple', address))")
    else:
        run(f"CREATE TRIGGER people_linkkey_vocab_insert AFTER INSERT ON people_linkkey "
            f"{_SQLITE_BODY}")
        run(f"CREATE TRIGGER people_linkkey_vocab_update AFTER UPDATE OF surname, forename "
            f"ON people_linkkey {_SQLITE_BODY}")
        for sql in _BACKFILL:
            run(sql.replace("INSERT INTO", "INSERT OR IGNORE INTO"))


def backwards(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run("DROP TRIGGER IF EXISTS people_linkkey_vocab ON people_linkkey")
        run("DROP FUNCTION IF EXISTS people_linkkey_vocab()")
        run("DROP INDEX IF EXISTS linkkey_address_words")
        for name, column in (("linkkey_surname_trgm", "surname"),
                             ("linkkey_forename_trgm", "forename")):
            run(f"CREATE INDEX IF NOT EXISTS {name} ON people_linkkey "
                f"USING gin ({column} gin_trgm_ops)")
    else:
        run("DROP TRIGGER IF EXISTS people_linkkey_vocab_insert")
        run("DROP TRIGGER IF EXISTS people_linkkey_vocab_update")


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0003_trigram_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='NameVocab',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('s', 'Surname'), ('f', 'Forename')], max_length=1)),
                ('value', models.CharField(max_length=100)),
                ('sound', models.CharField(blank=True, max_length=100)),
            ],
        ),
        migrations.AddIndex(
            model_name='linkkey',
            index=models.Index(fields=['surname', 'date_of_birth'], name='linkkey_surname_dob'),
        ),
        migrations.AddIndex(
            model_name='namevocab',
            index=models.Index(fields=['kind', 'sound'], name='namevocab_sound'),
        ),
        migrations.AddConstraint(
            model_name='namevocab',
            constraint=models.UniqueConstraint(fields=('kind', 'value'), name='namevocab_unique'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
