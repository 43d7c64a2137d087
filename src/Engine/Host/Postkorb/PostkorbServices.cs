using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Persistence.Postkorb;
using Microsoft.AspNetCore.Http;
using NodaTime;

namespace EGov.Workflows.Host.Postkorb;

/// <summary>The Postkorb's services for a request's tenant, over the server's Postkorb data and clock.</summary>
public sealed class PostkorbServices(IPostkorbStore data, IClock clock, AttachmentOptions attachments)
{
    public IPostkorbStore Data { get; } = data;
    public AttachmentOptions AttachmentOptions { get; } = attachments;

    public TaskService Tasks(HttpContext http) => Tasks(http.Tenant());
    public TaskService Tasks(TenantEngine tenant) => new(tenant, Data, clock);
    public CaseFileService CaseFile(HttpContext http) => new(Tasks(http), Data, clock, AttachmentOptions);
    /// <summary>A person's standing deputies (tenant, user → deputies, first first): the staff directory's, when the server has one.</summary>
    public Func<string, string, IReadOnlyList<string>>? StandingDeputies { get; init; }

    public AbsenceService Absences(HttpContext http) => new(http.Tenant().TenantId, Data, clock, StandingDeputies);
    public FilterService Filters(HttpContext http) => new(http.Tenant().TenantId, Data, clock);
}
