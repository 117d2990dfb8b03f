using Polly.AttemptAwareBreaker.OutageSimulator;

namespace Polly.AttemptAwareBreaker.Tests.OutageSimulator;

public class FigureFormatTests
{
    [Theory]
    [InlineData(1.0, true)]
    [InlineData(0.0, false)]
    public void Json_YesNoMetric_IsABoolean(double measured, bool expected)
        => Assert.Equal(expected, FigureFormat.Json("permanentErrorsOpenedCircuit", measured));

    [Fact]
    public void Json_NeverReached_IsNull()
        => Assert.Null(FigureFormat.Json("timeToCloseAfterHealMs", double.NaN));

    [Fact]
    public void Json_CountMetric_IsTheNumber()
        => Assert.Equal(1.303, FigureFormat.Json("amplification", 1.303));

    [Theory]
    [InlineData("permanentErrorsOpenedCircuit", 1.0, "true")]
    [InlineData("permanentErrorsOpenedCircuit", 0.0, "false")]
    [InlineData("retriesMade", 1234.0, "1,234")]
    [InlineData("amplification", 1.3034, "1.303")]
    [InlineData("timeToCloseAfterHealMs", double.NaN, "never")]
    public void Text_Figure_ReadsAsTheTableShowsIt(string metric, double measured, string expected)
        => Assert.Equal(expected, FigureFormat.Text(metric, measured));
}
