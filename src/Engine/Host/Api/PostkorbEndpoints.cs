using EGov.Workflows.Host.Postkorb;
using EGov.Workflows.Host.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Api;

/// <summary>The case file (comments, attachments), saved filters and absences of the Postkorb, always as the caller; problems in German (clerks read them).</summary>
internal static class PostkorbEndpoints
{
    public static void MapPostkorbEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/process-instances/{id}/comments", (HttpContext http, string id, int? offset, int? limit) =>
                Results.Ok(Services(http).CaseFile(http).Comments(http.Caller(), id, PageRequest.From(offset, limit))))
            .WithName("ListCaseComments").RequirePermission(Permission.TaskWork).WithMetadata(new GermanProblems()).WithSummary("Comments of a case (root instance) the caller works")
            .Produces<Page<CommentDto>>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/process-instances/{id}/comments", (HttpContext http, string id, CommentRequest? body) =>
            {
                var c = Services(http).CaseFile(http).AddComment(http.Caller(), id, body?.Text);
                return Results.Created($"/api/process-instances/{Uri.EscapeDataString(id)}/comments/{c.Id}", c);
            })
            .WithName("AddCaseComment").RequirePermission(Permission.TaskWork).WithMetadata(new GermanProblems()).WithSummary("Add a comment to a case the caller works")
            .Produces<CommentDto>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .WithMetadata(new ExpectedBody(RequestBodies.Comment));

        api.MapGet("/process-instances/{id}/attachments", (HttpContext http, string id, int? offset, int? limit) =>
                Results.Ok(Services(http).CaseFile(http).Attachments(http.Caller(), id, PageRequest.From(offset, limit))))
            .WithName("ListCaseAttachments").RequirePermission(Permission.TaskWork).WithMetadata(new GermanProblems()).WithSummary("Attachments of a case (root instance) the caller works")
            .Produces<Page<AttachmentDto>>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/process-instances/{id}/attachments", async (HttpContext http, string id) =>
            {
                var services = Services(http);
                var caller = http.Caller();
                var caseFile = services.CaseFile(http);
                caseFile.RequireCase(caller, id); // 404 before reading a byte of someone else's upload
                var max = services.AttachmentOptions.MaxBytes;
                if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = max + (64 * 1024);
                if (http.Request.ContentLength is { } length && length > max + (64 * 1024))
                    throw CaseFileService.TooLarge(null, length, max);
                if (!http.Request.HasFormContentType)
                    throw ApiProblemException.Ungueltig("Die Datei kommt als Formular (multipart/form-data) mit dem Feld „file“, nicht als " + (http.Request.ContentType is { Length: > 0 } ct ? $"„{TaskService.Kurz(ct)}“." : "Anfrage ohne Content-Type."), RequestBodies.Attachment);
                var form = await http.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = max + (64 * 1024) }, http.RequestAborted);
                var file = form.Files.GetFile("file") ?? throw ApiProblemException.Ungueltig("Das Formular enthält keine Datei im Feld „file“. Wählen Sie eine Datei aus.", RequestBodies.Attachment);
                if (file.Length > max)
                    throw CaseFileService.TooLarge(file.FileName, file.Length, max);
                using var buffer = new MemoryStream((int)file.Length);
                await file.CopyToAsync(buffer, http.RequestAborted);
                var a = caseFile.Upload(caller, id, file.FileName, file.ContentType, buffer.ToArray());
                return Results.Created($"/api/process-instances/{Uri.EscapeDataString(id)}/attachments/{a.Hash}", a);
            })
            .WithName("UploadCaseAttachment").RequirePermission(Permission.TaskWork).WithMetadata(new GermanProblems()).DisableAntiforgery()
            .WithSummary("Upload a file to a case (multipart field \"file\"): size limit (413), type allow-list checked against the bytes (415)")
            .Produces<AttachmentDto>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithMetadata(new ExpectedBody(RequestBodies.Attachment));

        api.MapGet("/process-instances/{id}/attachments/{hash}", (HttpContext http, string id, string hash) =>
            {
                var (a, content) = Services(http).CaseFile(http).Download(http.Caller(), id, hash);
                http.Response.Headers["X-Content-Type-Options"] = "nosniff";
                http.Response.Headers["Content-Security-Policy"] = "sandbox; default-src 'none'";
                http.Response.Headers.CacheControl = "private, no-store";
                return Results.File(content, a.ContentType, a.Name);
            })
            .WithName("DownloadCaseAttachment").RequirePermission(Permission.TaskWork).WithMetadata(new GermanProblems())
            .WithSummary("Download an attachment of a case the caller works (Content-Disposition: attachment, nosniff)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/filters", (HttpContext http, int? offset, int? limit) => Results.Ok(Services(http).Filters(http).List(http.Caller(), PageRequest.From(offset, limit))))
            .WithName("ListFilters").RequirePermission(Permission.TaskWork).WithMetadata(new GermanProblems()).WithSummary("The caller's saved filters and those shared with their groups")
            .Produces<Page<SavedFilterDto>>();

        api.MapPost("/filters", (HttpContext http, SavedFilterRequest? body) =>
            {
                var f = Services(http).Filters(http).Add(http.Caller(), body);
                return Results.Created($"/api/filters/{f.Id}", f);
            })
            .WithName("SaveFilter").RequirePermission(Permission.TaskWork).WithMetadata(new GermanProblems()).WithSummary("Save a filter for oneself or share it with one of one's groups")
            .Produces<SavedFilterDto>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithMetadata(new ExpectedBody(RequestBodies.Filter));

        api.MapDelete("/filters/{id}", (HttpContext http, string id) =>
            {
                Services(http).Filters(http).Delete(http.Caller(), id);
                return Results.NoContent();
            })
            .WithName("DeleteFilter").RequirePermission(Permission.TaskWork).WithMetadata(new GermanProblems()).WithSummary("Delete one's own saved filter")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/absences", (HttpContext http, string? userId, int? offset, int? limit) =>
                Results.Ok(Services(http).Absences(http).List(http.Caller(), userId, PageRequest.From(offset, limit))))
            .WithName("ListAbsences").RequirePermission(Permission.TaskWork).WithMetadata(new GermanProblems()).WithSummary("Absences (Vertretung) of the caller and those they stand in for; all for administrators and team leads")
            .Produces<Page<AbsenceDto>>();

        api.MapPost("/absences", (HttpContext http, AbsenceRequest? body) =>
            {
                var a = Services(http).Absences(http).Add(http.Caller(), body);
                return Results.Created($"/api/absences/{a.Id}", a);
            })
            .WithName("AddAbsence").RequirePermission(Permission.TaskWork).WithMetadata(new GermanProblems())
            .WithSummary("Record an absence with a deputy (oneself; administrators and team leads for others)")
            .Produces<AbsenceDto>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithMetadata(new ExpectedBody(RequestBodies.Absence));

        api.MapDelete("/absences/{id}", (HttpContext http, string id) =>
            {
                Services(http).Absences(http).Delete(http.Caller(), id);
                return Results.NoContent();
            })
            .WithName("DeleteAbsence").RequirePermission(Permission.TaskWork).WithMetadata(new GermanProblems()).WithSummary("End (delete) an absence")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static PostkorbServices Services(HttpContext http) => http.RequestServices.GetRequiredService<PostkorbServices>();
}
