using EGov.Workflows.Simulators;

// The simulators by hand: dotnet run --project tests/EGov.Workflows.Simulators -- smtp [--port 2525] [--tls [--user U --password P]] | dms [--port 8085] [--schemas DIR] | archiv [--port 8087] [--decision A|V] [--callback URL] | fitconnect [--port 8086] | payment [--port 5301] | melderegister [--port 8088]
var kind = args.FirstOrDefault();
int Port(int fallback) => args.SkipWhile(a => a != "--port").Skip(1).FirstOrDefault() is { } p && int.TryParse(p, out var n) ? n : fallback;
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
switch (kind)
{
    case "smtp":
    {
        string? SmtpOption(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var tls = args.Contains("--tls");
        await using var smtp = tls ? SmtpSimulator.StartSecure(SmtpOption("--user"), SmtpOption("--password"), Port(2525)) : SmtpSimulator.Start(Port(2525));
        smtp.Received += m => Console.WriteLine($"{DateTime.Now:HH:mm:ss} mail to {m.To} from {m.From}: {m.Subject} ({m.MessageId})");
        Console.WriteLine($"SMTP simulator on 127.0.0.1:{smtp.Port} (recipients @unzustellbar.example are refused with 550). Ctrl+C stops it.");
        if (tls)
        {
            var pem = Path.Combine(Path.GetTempPath(), $"egov-smtp-simulator-{smtp.Port}.pem");
            smtp.ExportCertificate(pem);
            Console.WriteLine($"  STARTTLS with a self-signed certificate ({pem}){(SmtpOption("--user") is { } u ? $", AUTH required as '{u}'" : "")}");
            Console.WriteLine($"  settings: {{\"Packs\": {{\"Notifications\": {{\"From\": \"buergerbuero@stadt.example\", \"Smtp\": {{\"Host\": \"127.0.0.1\", \"Port\": {smtp.Port}, \"Security\": \"StartTls\", \"TrustedCertificateFile\": \"{pem}\"{(SmtpOption("--user") is { } user ? $", \"User\": \"{user}\"" : "")}}}}}}}}}  (the password through EGOV_Packs__Notifications__Smtp__Password)");
        }
        else
            Console.WriteLine($"  settings: {{\"Packs\": {{\"Notifications\": {{\"From\": \"buergerbuero@stadt.example\", \"Smtp\": {{\"Host\": \"127.0.0.1\", \"Port\": {smtp.Port}}}}}}}}}");
        try { await Task.Delay(Timeout.Infinite, stop.Token); } catch (OperationCanceledException) { }
        return 0;
    }
    case "payment":
    {
        await using var pay = await PaymentSimulator.StartAsync(Port(5301));
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        pay.NotifyUrl = Option("--notify-url") ?? "http://localhost:8080/api/callbacks/default/payment/notify";
        if (Option("--secret") is { } secret) pay.Secret = secret;
        pay.Declined = args.Contains("--declined");
        pay.DuplicateNotifications = args.Contains("--duplicate-callback");
        pay.SuppressNotifications = args.Contains("--no-callback");
        if (args.Contains("--booked")) pay.PaidStatus = "BOOKED";
        if (int.TryParse(Option("--delay-ms"), out var delay)) pay.DelayMilliseconds = delay;
        Console.WriteLine($"XBezahldienste simulator on {pay.BaseUrl}; notifications to {pay.NotifyUrl}. Ctrl+C stops it.");
        Console.WriteLine($"  pay by hand on {pay.BaseUrl}/pay/<transactionId> (the case's variable zahlung.zahlungsUrl)");
        Console.WriteLine($"  settings: {{\"Packs\": {{\"Payment\": {{\"BaseUrl\": \"{pay.BaseUrl}\", \"OriginatorId\": \"egov\", \"EndpointId\": \"06412000\", \"NotificationSecret\": \"{pay.Secret}\"}}}}}}");
        try { await Task.Delay(Timeout.Infinite, stop.Token); } catch (OperationCanceledException) { }
        return 0;
    }
    case "melderegister":
    {
        await using var mr = await MelderegisterSimulator.StartAsync(Port(8088));
        Console.WriteLine($"Melderegister simulator on {mr.BaseUrl} (POST /v1/auskuenfte, bearer key '{mr.ApiKey}'); residents: "
            + string.Join("; ", mr.Register.Select(e => $"{e.Vornamen} {e.Familienname}, {e.Strasse}, {e.Postleitzahl} ({e.Status})")) + ". Ctrl+C stops it.");
        Console.WriteLine($"  settings: {{\"Packs\": {{\"Melderegister\": {{\"BaseUrl\": \"{mr.BaseUrl}\", \"Behoerde\": \"Straßenverkehrsbehörde Musterstadt\"}}}}}}  and EGOV_Packs__Melderegister__ApiKey={mr.ApiKey}");
        try { await Task.Delay(Timeout.Infinite, stop.Token); } catch (OperationCanceledException) { }
        return 0;
    }
    case "dms":
    {
        var schemas = args.SkipWhile(a => a != "--schemas").Skip(1).FirstOrDefault() ?? DmsSimulator.FindCorpusSchema();
        if (schemas is null) { Console.Error.WriteLine("dms: no xdomea schema folder (give --schemas DIR with xdomea.xsd)"); return 2; }
        await using var dms = DmsSimulator.Start(schemas, Port(8085));
        dms.Received += f => Console.WriteLine($"{DateTime.Now:HH:mm:ss} filed {f.Aktenzeichen} as {f.DmsAktenzeichen}: {f.Betreff} ({f.Dateien.Count} file(s), ProzessID {f.ProzessId})");
        Console.WriteLine($"DMS simulator (xdomea, schema {schemas}) on {dms.Endpoint}. Ctrl+C stops it.");
        Console.WriteLine($"  settings: {{\"Packs\": {{\"Xdomea\": {{\"SchemaDirectory\": \"{schemas}\", \"Behoerde\": \"Stadt Musterstadt\", \"Endpoint\": \"{dms.Endpoint}\"}}}}}}");
        try { await Task.Delay(Timeout.Infinite, stop.Token); } catch (OperationCanceledException) { }
        return 0;
    }
    case "archiv":
    {
        var schemas = args.SkipWhile(a => a != "--schemas").Skip(1).FirstOrDefault() ?? DmsSimulator.FindCorpusSchema();
        if (schemas is null) { Console.Error.WriteLine("archiv: no xdomea schema folder (give --schemas DIR with xdomea.xsd)"); return 2; }
        await using var archiv = ArchivSimulator.Start(schemas, Port(8087));
        if (args.SkipWhile(a => a != "--decision").Skip(1).FirstOrDefault() is { } decision) archiv.Decision = decision.ToUpperInvariant();
        archiv.RejectImport = args.Contains("--reject-import");
        archiv.CallbackUrl = args.SkipWhile(a => a != "--callback").Skip(1).FirstOrDefault(); // e.g. http://127.0.0.1:8080/api/callbacks/default/xdomea/archiv
        archiv.CallbackSecret = Environment.GetEnvironmentVariable("EGOV_ARCHIV_CALLBACK_SECRET"); // the engine's Packs__Xdomea__Archiv__CallbackSecret
        archiv.MessageReceived += (pid, n) => Console.WriteLine($"{DateTime.Now:HH:mm:ss} {n} (ProzessID {pid})");
        Console.WriteLine($"Archive simulator (xdomea Aussonderung 0501–0507, schema {schemas}) on {archiv.Endpoint}; every object is evaluated {archiv.Decision}. Ctrl+C stops it.");
        Console.WriteLine($"  settings: {{\"Packs\": {{\"Xdomea\": {{\"SchemaDirectory\": \"{schemas}\", \"Behoerde\": \"Stadt Musterstadt\", \"Archiv\": {{\"Name\": \"Stadtarchiv Musterstadt\", \"Endpoint\": \"{archiv.Endpoint}\", \"PollMinutes\": 1}}}}}}}}");
        try { await Task.Delay(Timeout.Infinite, stop.Token); } catch (OperationCanceledException) { }
        return 0;
    }
    case "fitconnect":
    {
        await using var fc = FitConnectSimulator.Start(FitConnectSimulator.FindCorpusMetadataSchema(), Port(8086));
        fc.Submitted += s => Console.WriteLine($"{DateTime.Now:HH:mm:ss} submission {s.SubmissionId} (case {s.CaseId}) for {s.ServiceIdentifier}: {s.Attachments.Count} attachment(s), " +
            (s.Problems.Count == 0 ? "decrypted, metadata and hashes ok" : "PROBLEMS: " + string.Join("; ", s.Problems)));
        Console.WriteLine($"FIT-Connect simulator on {fc.BaseUrl} (destination {fc.DestinationId}, key {fc.Kid}, RSA 4096). Ctrl+C stops it.");
        Console.WriteLine($"  settings: {{\"Packs\": {{\"FitConnect\": {{\"TokenUrl\": \"{fc.TokenUrl}\", \"SubmissionApiUrl\": \"{fc.BaseUrl}\", \"ClientId\": \"{fc.ClientId}\"}}}}}}  and EGOV_Packs__FitConnect__ClientSecret={fc.ClientSecret}");
        try { await Task.Delay(Timeout.Infinite, stop.Token); } catch (OperationCanceledException) { }
        return 0;
    }
    default:
        Console.Error.WriteLine("usage: dotnet run --project tests/EGov.Workflows.Simulators -- smtp|dms|fitconnect [--port N] [--schemas DIR]");
        Console.Error.WriteLine("       dotnet run --project tests/EGov.Workflows.Simulators -- archiv [--port N] [--schemas DIR] [--decision A|V] [--reject-import] [--callback URL (secret from EGOV_ARCHIV_CALLBACK_SECRET)]");
        Console.Error.WriteLine("       dotnet run --project tests/EGov.Workflows.Simulators -- smtp --tls [--user U --password P]   (STARTTLS, AUTH required)");
        Console.Error.WriteLine("       dotnet run --project tests/EGov.Workflows.Simulators -- payment [--port N] [--notify-url URL] [--secret S] [--declined] [--duplicate-callback] [--no-callback] [--booked] [--delay-ms N]");
        return 2;
}
