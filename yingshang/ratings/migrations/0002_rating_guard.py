"""On PostgreSQL, refuse at the database level what no code path may do to a rating (DESIGN.md
§7): delete it, or change what was given — level, channel, point, anonymity, the rater, and what
it rates and counts for. The giver's optional details and the appeal's `excluded` flag remain
writable. SQLite has no such guard; there the services are the only writers."""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION ratings_rating_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'ratings are never deleted (rating %)', OLD.id USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.level IS DISTINCT FROM OLD.level OR NEW.is_bad IS DISTINCT FROM OLD.is_bad
     OR NEW.channel IS DISTINCT FROM OLD.channel OR NEW.point IS DISTINCT FROM OLD.point
     OR NEW.anonymous IS DISTINCT FROM OLD.anonymous OR NEW.rater_id IS DISTINCT FROM OLD.rater_id
     OR NEW.rater_phone IS DISTINCT FROM OLD.rater_phone OR NEW.case_id IS DISTINCT FROM OLD.case_id
     OR NEW.work_order_id IS DISTINCT FROM OLD.work_order_id OR NEW.visit_id IS DISTINCT FROM OLD.visit_id
     OR NEW.unit_id IS DISTINCT FROM OLD.unit_id OR NEW.staff_id IS DISTINCT FROM OLD.staff_id
     OR NEW.window_id IS DISTINCT FROM OLD.window_id OR NEW.matter_id IS DISTINCT FROM OLD.matter_id
     OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
    RAISE EXCEPTION 'a rating is never edited (rating %)', OLD.id USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS ratings_rating_guard ON ratings_rating;
CREATE TRIGGER ratings_rating_guard BEFORE UPDATE OR DELETE ON ratings_rating
  FOR EACH ROW EXECUTE FUNCTION ratings_rating_guard();
"""

REVERSE = """
DROP TRIGGER IF EXISTS ratings_rating_guard ON ratings_rating;
DROP FUNCTION IF EXISTS ratings_rating_guard();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
