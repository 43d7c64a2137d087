using System.Xml.Linq;

namespace EGov.Workflows.Dmn.Model;

/// <summary>The DMN model namespaces of each version read; the version is kept so that writing back keeps it.</summary>
public static class DmnNamespaces
{
    public static readonly XNamespace Dmn11 = "http://www.omg.org/spec/DMN/20151101/dmn.xsd";
    public static readonly XNamespace Dmn12 = "http://www.omg.org/spec/DMN/20180521/MODEL/";
    public static readonly XNamespace Dmn13 = "https://www.omg.org/spec/DMN/20191111/MODEL/";
    public static readonly XNamespace Dmn14 = "https://www.omg.org/spec/DMN/20211108/MODEL/";
    public static readonly XNamespace Dmn15 = "https://www.omg.org/spec/DMN/20230324/MODEL/";
    public static readonly XNamespace Camunda = "http://camunda.org/schema/1.0/dmn";

    public static readonly IReadOnlyDictionary<string, string> Versions = new Dictionary<string, string>
    {
        [Dmn11.NamespaceName] = "1.1",
        [Dmn12.NamespaceName] = "1.2",
        [Dmn13.NamespaceName] = "1.3",
        [Dmn14.NamespaceName] = "1.4",
        [Dmn15.NamespaceName] = "1.5",
        // Files written by hand often use http:// for the https:// namespaces.
        ["http://www.omg.org/spec/DMN/20191111/MODEL/"] = "1.3",
        ["http://www.omg.org/spec/DMN/20211108/MODEL/"] = "1.4",
        ["http://www.omg.org/spec/DMN/20230324/MODEL/"] = "1.5",
    };

    public static bool IsModel(XNamespace ns) => Versions.ContainsKey(ns.NamespaceName);
}
