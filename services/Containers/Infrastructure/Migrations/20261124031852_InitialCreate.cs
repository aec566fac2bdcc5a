using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WakeDock.Containers.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "containers");

            migrationBuilder.CreateTable(
                name: "audit_entries",
                schema: "containers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor_id = table.Column<Guid>(type: "uuid", nullable: true),
                    actor_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    action = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    target_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    target_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    ip_address = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    details = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_entries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "services",
                schema: "containers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    image = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    command = table.Column<List<string>>(type: "text[]", nullable: false),
                    environment = table.Column<string>(type: "jsonb", nullable: false),
                    ports = table.Column<string>(type: "jsonb", nullable: false),
                    volumes = table.Column<string>(type: "jsonb", nullable: false),
                    networks = table.Column<List<string>>(type: "text[]", nullable: false),
                    labels = table.Column<string>(type: "jsonb", nullable: false),
                    nano_cpus = table.Column<long>(type: "bigint", nullable: true),
                    memory_bytes = table.Column<long>(type: "bigint", nullable: true),
                    restart_policy = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    health_check = table.Column<string>(type: "jsonb", nullable: true),
                    wake_policy = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    idle_timeout_seconds = table.Column<int>(type: "integer", nullable: false),
                    loading_strategy = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    blocking_timeout_seconds = table.Column<int>(type: "integer", nullable: false),
                    theme = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    depends_on = table.Column<List<string>>(type: "text[]", nullable: false),
                    sleep_mode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    desired_state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, defaultValue: "Sleeping"),
                    privileged = table.Column<bool>(type: "boolean", nullable: false),
                    host_pid = table.Column<bool>(type: "boolean", nullable: false),
                    host_network = table.Column<bool>(type: "boolean", nullable: false),
                    cap_add = table.Column<List<string>>(type: "text[]", nullable: false),
                    devices = table.Column<List<string>>(type: "text[]", nullable: false),
                    created_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_services", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "service_domains",
                schema: "containers",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(253)", maxLength: 253, nullable: false),
                    service_id = table.Column<Guid>(type: "uuid", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_service_domains", x => x.name);
                    table.ForeignKey(
                        name: "fk_service_domains_services_service_id",
                        column: x => x.service_id,
                        principalSchema: "containers",
                        principalTable: "services",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_actor_id",
                schema: "containers",
                table: "audit_entries",
                column: "actor_id");

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_occurred_at",
                schema: "containers",
                table: "audit_entries",
                column: "occurred_at");

            migrationBuilder.CreateIndex(
                name: "ix_service_domains_service_id",
                schema: "containers",
                table: "service_domains",
                column: "service_id");

            migrationBuilder.CreateIndex(
                name: "ix_services_name",
                schema: "containers",
                table: "services",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_services_wake_policy",
                schema: "containers",
                table: "services",
                column: "wake_policy");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_entries",
                schema: "containers");

            migrationBuilder.DropTable(
                name: "service_domains",
                schema: "containers");

            migrationBuilder.DropTable(
                name: "services",
                schema: "containers");
        }
    }
}
