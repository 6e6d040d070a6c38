namespace Vmie.Storage.Metadata;

/// <summary>
/// One forward step of one component's schema. Components (objects, snapshots, ec2, ...) version
/// their tables independently so that each owns its own migrations.
/// </summary>
/// <param name="Component">Owner of the tables, e.g. "objects".</param>
/// <param name="Version">1, 2, 3... applied in order, each exactly once.</param>
/// <param name="Sql">Statements to run inside the migration's transaction.</param>
public sealed record SchemaMigration(string Component, int Version, string Sql);
