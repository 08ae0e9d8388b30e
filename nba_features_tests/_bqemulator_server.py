"""Run bqemulator (the BigQuery REST API served from DuckDB) offline, as a separate process.

    python -m nba_features_tests._bqemulator_server --port-file PATH [--project ID]

Patches applied before the server starts, each making bqemulator 1.4.0 behave like BigQuery here:
- its engine downloads DuckDB's spatial and avro extensions at start-up, which needs the network
  (and spatial is required): both loaders become no-ops, since no test uses GEOGRAPHY or Avro;
- the google-cloud-bigquery client sends `*/*` as the media type of a small multipart load
  (load_table_from_dataframe), which the upload route rejects: `*/*` is added to its permitted types;
- `tables.update` / `tables.patch` with a schema that gains columns (how the warehouse adds a
  column) only updates the emulator's catalog, not the DuckDB table behind it, so the new column
  could not be written or read: the catalog update now also adds the new columns to that table.

The REST and gRPC ports are chosen by the OS (port 0); once the server accepts connections the REST
port is written to --port-file (written to a temporary name, then renamed, so a reader never sees a
partial file). SIGTERM / SIGINT stop the server cleanly, and so does the death of the process that
started it (a test run killed outright), so no emulator outlives its test session.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from pathlib import Path

from bqemulator.api.routes import upload
from bqemulator.api.routes.tables import _field_to_rest
from bqemulator.catalog.memory_repository import MemoryCatalogRepository
from bqemulator.catalog.models import TableMeta
from bqemulator.config import LogLevel, PersistenceMode, Settings
from bqemulator.server import EmulatorServer
from bqemulator.storage.engine import DuckDBEngine
from bqemulator.storage.sql_identifiers import quoted_table_ref
from bqemulator.storage.type_map import bq_schema_to_duckdb_columns

ANY_MEDIA_TYPE = "*/*"


def _skip_extension(engine: DuckDBEngine) -> None:
    """Stands in for the engine's extension loaders, which would download from the network."""


_update_catalog_table = MemoryCatalogRepository.update_table


def _update_table_adding_columns(catalog: MemoryCatalogRepository, table: TableMeta) -> TableMeta:
    """Catalog update that also adds the columns the new schema gains to the DuckDB table."""
    existing = catalog.get_table(table.project_id, table.dataset_id, table.table_id)
    if catalog._engine is not None and existing is not None and table.table_type == "TABLE":
        known = {field.name for field in existing.schema_.fields}
        gained = [_field_to_rest(field) for field in table.schema_.fields if field.name not in known]
        target = quoted_table_ref(table.project_id, table.dataset_id, table.table_id)
        for name, duckdb_type in bq_schema_to_duckdb_columns(gained):
            catalog._engine.execute(f'ALTER TABLE {target} ADD COLUMN IF NOT EXISTS "{name}" {duckdb_type}')
    return _update_catalog_table(catalog, table)


def apply_offline_patches() -> None:
    DuckDBEngine._load_spatial = _skip_extension
    DuckDBEngine._load_format_extensions = _skip_extension
    if ANY_MEDIA_TYPE not in upload._PERMITTED_MEDIA_CONTENT_TYPES:
        upload._PERMITTED_MEDIA_CONTENT_TYPES = (*upload._PERMITTED_MEDIA_CONTENT_TYPES, ANY_MEDIA_TYPE)
    MemoryCatalogRepository.update_table = _update_table_adding_columns


PARENT_CHECK_SECONDS = 1.0


async def _stop_when_orphaned(stop: asyncio.Event, parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        await asyncio.sleep(PARENT_CHECK_SECONDS)
    stop.set()


async def serve(port_file: Path, project: str) -> None:
    settings = Settings(
        rest_host="127.0.0.1",
        rest_port=0,
        grpc_host="127.0.0.1",
        grpc_port=0,
        persistence_mode=PersistenceMode.EPHEMERAL,
        default_project_id=project,
        enable_format_extensions=False,
        log_level=LogLevel.WARNING,
    )
    server = EmulatorServer(settings)
    await server.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    orphan_watch = asyncio.create_task(_stop_when_orphaned(stop, os.getppid()))
    try:
        partial = port_file.with_name(port_file.name + ".partial")
        partial.write_text(str(server.rest_port))
        os.replace(partial, port_file)
        await stop.wait()
    finally:
        orphan_watch.cancel()
        await server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", type=Path, required=True, help="where the REST port is written once serving")
    parser.add_argument("--project", default="nba-features-test", help="default project id of the emulator")
    arguments = parser.parse_args()
    apply_offline_patches()
    asyncio.run(serve(arguments.port_file, arguments.project))


if __name__ == "__main__":
    main()
