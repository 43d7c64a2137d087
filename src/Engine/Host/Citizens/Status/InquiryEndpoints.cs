using System.Text.Json.Nodes;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Postkorb;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Identity.Citizens;
using EGov.Workflows.Persistence.Postkorb;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;

namespace EGov.Workflows.Host.Citizens.Status;

/// <summary>Body of <c>POST /api/tasks/{taskId}/rueckfragen</c>.</summary>
public sealed record InquiryRequest(string? Frage);

/// <summary>A file the citizen sent with an answer (in the case file: <c>/api/process-instances/{id}/attachments/{hash}</c>).</summary>
public sealed record InquiryFileDto(string Hash, string Name);

/// <summary>A Rückfrage as staff see it: who asked, the question, and the citizen's answer with its files.</summary>
public sealed record InquiryStaffDto(string Id, string Question, string AskedBy, DateTimeOffset AskedAt, string? Answer, DateTimeOffset? AnsweredAt, IReadOnlyList<InquiryFileDto> Files);

/// <summary>The Rückfragen of a task's case: whether the case was applied for online (only then can the citizen be asked), and the questions.</summary>
public sealed record InquiriesDto(bool Online, string ProcessInstanceId, IReadOnlyList<InquiryStaffDto> Items);

/// <summary>
/// Rückfrage from the task page: <c>GET /api/tasks/{taskId}/rueckfragen</c> and <c>POST …</c> {"frage"}. Only who may see
/// the task (else 404, as every task endpoint) and only on a case a citizen applied for online (else 409). The question
/// also goes into the case file as the clerk's comment; the citizen sees it on their status page (never the clerk's name)
/// and answers there (<see cref="CitizenAnswers"/>).
/// </summary>
internal static class InquiryEndpoints
{
    public const int MaxQuestion = 2000;

    public static IEndpointRouteBuilder MapInquiries(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/tasks/{taskId}/rueckfragen", async (HttpContext http, string taskId, PostkorbServices postkorb, CitizenStatusStore store) =>
            {
                var (_, row) = postkorb.Tasks(http).Visible(http.Caller(), taskId);
                var t = http.Tenant();
                var online = await store.FindCaseAsync(t.TenantId, row.RootInstanceId, http.RequestAborted) is not null;
                var items = online ? await store.InquiriesAsync(t.TenantId, row.RootInstanceId, http.RequestAborted) : [];
                return Results.Ok(new InquiriesDto(online, row.RootInstanceId, items.Select(Dto).ToList()));
            })
            .WithName("ListInquiries").RequirePermission(Permission.TaskWork)
            .WithSummary("The Rückfragen of the task's case (questions to the citizen and their answers); online: whether the case was applied for online")
            .Produces<InquiriesDto>().ProducesProblem(StatusCodes.Status404NotFound);

        app.MapPost("/api/tasks/{taskId}/rueckfragen", async (HttpContext http, string taskId, InquiryRequest? body, PostkorbServices postkorb, CitizenStatusStore store,
                CitizenMails mails, CitizenMailSender sender) =>
            {
                var caller = http.Caller();
                var (_, row) = postkorb.Tasks(http).Visible(caller, taskId);
                var t = http.Tenant();
                var question = body?.Frage?.Trim() ?? "";
                if (question.Length == 0) throw ApiProblemException.BadRequest("Die Rückfrage hat keinen Text.", "{\"frage\": string (1–2000 Zeichen)}");
                if (question.Length > MaxQuestion) throw ApiProblemException.BadRequest($"Die Rückfrage hat {question.Length} Zeichen; erlaubt sind höchstens {MaxQuestion}.", "{\"frage\": string (1–2000 Zeichen)}");
                if (await store.FindCaseAsync(t.TenantId, row.RootInstanceId, http.RequestAborted) is null)
                    throw ApiProblemException.Conflict("Dieser Vorgang wurde nicht online beantragt: eine Rückfrage über die Statusseite ist nicht möglich.");
                var now = SystemClock.Instance.GetCurrentInstant();
                var inquiry = new InquiryRecord(Guid.NewGuid().ToString("N"), row.RootInstanceId, taskId, question, caller.Id, now.ToDateTimeOffset(), null, null, null);
                // The citizen is told by e-mail (a link to the case, not the question): the outbox row is written with the Rückfrage.
                var noticeId = mails.Configured(t.TenantId) ? Guid.NewGuid().ToString("N") : null;
                await store.AddInquiryAsync(t.TenantId, inquiry, noticeId, http.RequestAborted);
                postkorb.Data.AddComment(t.TenantId, new CaseComment(Guid.NewGuid().ToString("N"), row.RootInstanceId, caller.Id, null, "Rückfrage an die Antragstellerin oder den Antragsteller: " + question, now));
                if (noticeId is not null) await sender.SendNowAsync(t.TenantId, noticeId, CancellationToken.None);
                return Results.Created($"/api/tasks/{Uri.EscapeDataString(taskId)}/rueckfragen", Dto(inquiry));
            })
            .WithName("AskInquiry").RequirePermission(Permission.TaskWork)
            .WithSummary("Ask the citizen a question (Rückfrage) about the task's case; they answer on their status page. 409 when the case was not applied for online")
            .Produces<InquiryStaffDto>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static InquiryStaffDto Dto(InquiryRecord i)
    {
        var files = new List<InquiryFileDto>();
        if (i.AttachmentsJson is { Length: > 0 } json && JsonNode.Parse(json) is JsonArray array)
            foreach (var f in array)
                if (f?["hash"]?.GetValue<string>() is { } hash) files.Add(new InquiryFileDto(hash, f["name"]?.GetValue<string>() ?? "anhang"));
        return new InquiryStaffDto(i.Id, i.Question, i.AskedBy, i.AskedAt, i.Answer, i.AnsweredAt, files);
    }
}
