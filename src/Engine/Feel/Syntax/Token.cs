namespace EGov.Workflows.Feel.Syntax;

public enum TokenKind { Number, String, Name, Symbol, End }

/// <summary>One token of a FEEL expression, with its offset (0-based) in the expression text.</summary>
public readonly record struct Token(TokenKind Kind, string Text, int Offset)
{
    public bool Is(string symbolOrKeyword) => (Kind is TokenKind.Symbol or TokenKind.Name) && Text == symbolOrKeyword;
    public override string ToString() => Kind == TokenKind.End ? "end of expression" : $"'{Text}'";
}
