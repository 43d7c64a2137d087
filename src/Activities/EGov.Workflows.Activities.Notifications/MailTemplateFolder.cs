using System.Text.RegularExpressions;
using EGov.Workflows.Sdk;

namespace EGov.Workflows.Activities.Notifications;

/// <summary>
/// Where a mail's subject, text and HTML templates come from: the task's inputs <c>subject</c>, <c>text</c>, <c>html</c>, or
/// the template named by <c>vorlage</c> in the tenant's template folder (<see cref="NotificationOptions.TemplateDirectory"/>):
/// <c>{folder}/{tenant}/NAME.*.liquid</c> first, then <c>{folder}/NAME.*.liquid</c>. A template is chosen whole from one
/// folder (its subject, text and HTML belong together). Names are letters, digits, '-' and '_' only, so no path escapes
/// the folder.
/// </summary>
public static partial class MailTemplateFolder
{
    /// <summary>The three template sources of one mail; <see cref="Html"/> may be null.</summary>
    public sealed record Parts(string Subject, string Text, string? Html, string? File);

    /// <summary>The sources for the task; throws <see cref="MailTemplateException"/> naming what is missing.</summary>
    public static Parts Sources(ActivityContext context, NotificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var name = context.GetString("vorlage")?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            var subject = context.GetString("subject");
            var text = context.GetString("text");
            if (string.IsNullOrEmpty(subject) || string.IsNullOrEmpty(text))
                throw new MailTemplateException("the task gives neither 'vorlage' (a template of the template folder) nor both 'subject' and 'text'");
            return new Parts(subject, text, context.GetString("html"), null);
        }
        return Load(name, context.TenantId, options);
    }

    /// <summary>The template <paramref name="name"/> of <paramref name="tenantId"/> from the folder.</summary>
    public static Parts Load(string name, string tenantId, NotificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!NamePattern().IsMatch(name ?? ""))
            throw new MailTemplateException($"the template name '{name}' is not 1–64 letters, digits, '-' or '_'");
        if (string.IsNullOrWhiteSpace(options.TemplateDirectory))
            throw new MailTemplateException($"the task names the template '{name}', but the setting {PackServiceCollectionExtensions.SettingKeys(NotificationOptions.Section, tenantId, "TemplateDirectory")} is missing");
        var folders = new List<string>();
        if (NamePattern().IsMatch(tenantId ?? "")) folders.Add(Path.Combine(options.TemplateDirectory, tenantId!));
        folders.Add(options.TemplateDirectory);
        foreach (var folder in folders)
        {
            var text = Path.Combine(folder, $"{name}.text.liquid");
            if (!File.Exists(text)) continue;
            var subject = Path.Combine(folder, $"{name}.betreff.liquid");
            if (!File.Exists(subject)) throw new MailTemplateException($"the template '{name}' in {folder} has a text but no subject ({name}.betreff.liquid)");
            var html = Path.Combine(folder, $"{name}.html.liquid");
            return new Parts(File.ReadAllText(subject), File.ReadAllText(text), File.Exists(html) ? File.ReadAllText(html) : null, text);
        }
        throw new MailTemplateException($"the template '{name}' is not in the template folder ({string.Join(" or ", folders.Select(f => Path.Combine(f, name + ".text.liquid")))})");
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex NamePattern();
}
