using System.Text;
using EGov.Workflows.Bpmn.Tests.Support;
using EGov.Workflows.Model;

namespace EGov.Workflows.Bpmn.Tests.Reading;

/// <summary>German models come in every encoding: declared Latin-1, undeclared Windows-1252, UTF-16 with BOM.</summary>
public sealed class EncodingTests
{
    static EncodingTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private const string Name = "Prüfung der Übermittlung – Größe €";

    private static string Model(string declaration) =>
        declaration + Models.Header + $"<process id=\"P\" isExecutable=\"false\"><task id=\"T\" name=\"{Name}\"/></process></definitions>";

    private static string TaskName(byte[] bytes)
    {
        var result = new Bpmn.Reading.BpmnReader().ReadBytes(bytes, "enc.bpmn");
        result.Errors.ShouldBeEmpty(result.Messages());
        return result.Definitions!.Find<TaskElement>("T")!.ElementName!;
    }

    [Fact]
    public void Reader_HonoursDeclaredIso88591_WithUmlauts()
    {
        var latin1Name = "Prüfung der Übermittlung – Größe".Replace("–", "-", StringComparison.Ordinal);
        var xml = Model("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n").Replace(Name, latin1Name, StringComparison.Ordinal);
        TaskName(Encoding.Latin1.GetBytes(xml)).ShouldBe(latin1Name);
    }

    [Fact]
    public void Reader_HonoursDeclaredWindows1252_WithEuroSign()
    {
        var xml = Model("<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n");
        TaskName(Encoding.GetEncoding(1252).GetBytes(xml)).ShouldBe(Name);
    }

    [Fact]
    public void Reader_ReadsWindows1252Bytes_WithoutDeclaration()
    {
        TaskName(Encoding.GetEncoding(1252).GetBytes(Model(""))).ShouldBe(Name);
    }

    [Fact]
    public void Reader_ReadsUtf8_WithoutDeclaration() =>
        TaskName(new UTF8Encoding(false).GetBytes(Model(""))).ShouldBe(Name);

    [Fact]
    public void Reader_ReadsUtf8_WithBom() =>
        TaskName(new UTF8Encoding(true).GetPreamble().Concat(Encoding.UTF8.GetBytes(Model("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"))).ToArray()).ShouldBe(Name);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reader_ReadsUtf16_WithBom(bool bigEndian)
    {
        var encoding = new UnicodeEncoding(bigEndian, byteOrderMark: true);
        var bytes = encoding.GetPreamble().Concat(encoding.GetBytes(Model("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"))).ToArray();
        TaskName(bytes).ShouldBe(Name);
    }

    [Fact]
    public void Writer_WritesUtf8_WhateverTheSourceEncoding()
    {
        var xml = Model("<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n");
        var result = new Bpmn.Reading.BpmnReader().ReadBytes(Encoding.GetEncoding(1252).GetBytes(xml), "enc.bpmn");
        var written = Bpmn.Writing.BpmnWriter.WriteString(result.Definitions!);
        written.ShouldStartWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        written.ShouldContain(Name);
    }
}
