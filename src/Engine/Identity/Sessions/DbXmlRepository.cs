using System.Xml.Linq;
using EGov.Workflows.Identity.Data;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;

namespace EGov.Workflows.Identity.Sessions;

/// <summary>Data protection keys in the database: cookies and sessions stay readable after a restart and on every node.</summary>
public sealed class DbXmlRepository(IdentityDatabase database) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var db = database.CreateContext();
        return db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToList().Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var db = database.CreateContext();
        db.DataProtectionKeys.Add(new DataProtectionKeyRow { Id = string.IsNullOrEmpty(friendlyName) ? Guid.NewGuid().ToString("N") : friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }
}
