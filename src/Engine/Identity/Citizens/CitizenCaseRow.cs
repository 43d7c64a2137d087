using Microsoft.EntityFrameworkCore;

namespace EGov.Workflows.Identity.Citizens;

/// <summary>
/// A row of <c>citizen_cases</c> (migration 0019): which citizen (pseudonym) owns which case. The case index and the
/// status store both read it, so its mapping lives here once.
/// </summary>
internal sealed class CitizenCaseRow
{
    public string TenantId { get; set; } = "";
    public string Owner { get; set; } = "";
    public string InstanceId { get; set; } = "";
    public string ProcessId { get; set; } = "";
    public string Aktenzeichen { get; set; } = "";
    public long CreatedAt { get; set; }
    /// <summary>Where the case's e-mails go (migration 0028): the address BundID proved or the application gave; null: none.</summary>
    public string? ContactEmail { get; set; }

    public static void Map(ModelBuilder modelBuilder) => modelBuilder.Entity<CitizenCaseRow>(e =>
    {
        e.ToTable("citizen_cases");
        e.HasKey(x => new { x.TenantId, x.Owner, x.InstanceId });
        e.Property(x => x.TenantId).HasColumnName("tenant_id");
        e.Property(x => x.Owner).HasColumnName("owner");
        e.Property(x => x.InstanceId).HasColumnName("instance_id");
        e.Property(x => x.ProcessId).HasColumnName("process_id");
        e.Property(x => x.Aktenzeichen).HasColumnName("aktenzeichen");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.ContactEmail).HasColumnName("contact_email");
    });
}
