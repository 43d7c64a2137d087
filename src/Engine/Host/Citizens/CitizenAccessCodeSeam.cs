namespace EGov.Workflows.Host.Citizens;

/// <summary>
/// SEAM for the one-time access code of <c>/status/&lt;Aktenzeichen&gt;</c> (issue 13 item 4, built in parallel as
/// <c>CitizenAccessCodes</c> with migration 0020). The online application asks for a code right after the start and shows it
/// once on the confirmation page; when no implementation is registered in the services (this build), the confirmation
/// says that no access code is issued and points to "Meine Vorgänge" instead. Register an implementation with
/// <c>services.AddSingleton&lt;ICitizenAccessCodeIssuer, …&gt;()</c>.
/// </summary>
public interface ICitizenAccessCodeIssuer
{
    /// <summary>Issues the access code of a newly started case (stored hashed by the implementation); the plain code is answered once.</summary>
    Task<string?> IssueAsync(string tenantId, string instanceId, string aktenzeichen, CancellationToken cancel);
}
