namespace ConsumerApp;

/// <summary>Prints one line per check and counts the failures (the exit code).</summary>
internal static class Checks
{
    public static int Failures { get; private set; }

    public static void That(bool passed, string package, string detail)
    {
        Failures += passed ? 0 : 1;
        Console.WriteLine($"  {(passed ? "ok  " : "FAIL")} {package}: {detail}");
    }
}
