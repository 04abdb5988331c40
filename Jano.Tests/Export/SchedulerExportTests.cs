using Jano.Core.Packages;
using Jano.Core.Schedulers;
using Jano.Export;
using Jano.Export.PixArt;
using Jano.Tests.Runtime.Schedulers;

namespace Jano.Tests.Export;

/// <summary>
/// The exporter keeps a checkpoint's scheduler class and config verbatim, never maps one scheduler
/// to another, and refuses at export, naming the file and field, what the runtime cannot run.
/// </summary>
[TestFixture]
public sealed class SchedulerExportTests
{
    private TinyPixArt _model = null!;

    [SetUp]
    public void Create() => _model = new TinyPixArt(layers: 1, sampler: null);

    [TearDown]
    public void Cleanup() => _model.Dispose();

    private ExportException ExportFails(ExportOptions? options = null)
    {
        var e = Assert.Throws<ExportException>(() => PixArtExporter.Export(_model.Checkpoint, _model.Package, options ?? new ExportOptions()))!;
        Assert.That(Directory.Exists(_model.Package), Is.False, "a failed export leaves no package");
        Assert.That(e.Message, Does.Not.Contain("\n"), "one line");
        return e;
    }

    [Test]
    public void PixArtsDpmSolverConfigIsKeptVerbatimWithItsClass()
    {
        _model.WriteSchedulerConfig(SchedulerConfigsJson.PixArtDpmSolver);
        var logged = new List<string>();
        var manifest = PixArtExporter.Export(_model.Checkpoint, _model.Package, new ExportOptions { Log = logged.Add });
        var scheduler = manifest.Components.Scheduler;
        Assert.That(scheduler.ClassName, Is.EqualTo(DpmSolverMultistepConfig.Name), "not mapped to DDIM");
        Assert.That(scheduler.Sampler, Is.Null, "no sampler settings: the config decides");
        Assert.That(scheduler.Config!.Value.GetProperty("solver_order").GetInt32(), Is.EqualTo(2));
        Assert.That(scheduler.Config.Value.GetProperty("lambda_min_clipped").GetString(), Is.EqualTo("-Infinity"), "Python's literal kept as a string");
        Assert.That(manifest.Defaults.Steps, Is.EqualTo(20), "PixArt's pipeline default with DPM-Solver");
        Assert.That(logged, Has.Some.Contains("scheduler: DPMSolverMultistepScheduler from"));
        var reopened = ModelPackage.Open(_model.Package).Manifest.Components.Scheduler;
        var original = System.Text.Json.Nodes.JsonNode.Parse(DiffusersJson.QuoteNonFiniteLiterals(SchedulerConfigsJson.PixArtDpmSolver));
        Assert.That(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(reopened.Config!.Value.GetRawText()), original), "every key and value as in the file");
    }

    [Test]
    public void ConfigKeysDiffusersIgnoresAreReportedNotRefused()
    {
        _model.WriteSchedulerConfig("""{"_class_name": "DDIMScheduler", "clip_sample": false, "skip_prk_steps": true}""");
        var logged = new List<string>();
        var manifest = PixArtExporter.Export(_model.Checkpoint, _model.Package, new ExportOptions { Log = logged.Add });
        Assert.That(manifest.Components.Scheduler.ClassName, Is.EqualTo(DdimConfig.Name));
        Assert.That(manifest.Defaults.Steps, Is.EqualTo(50));
        Assert.That(logged, Has.Some.Contains("ignored as diffusers v0.32.2 ignores them: skip_prk_steps"));
    }

    [Test]
    public void AClassTheRuntimeCannotRunIsRefusedNamingTheFileAndField()
    {
        var path = _model.WriteSchedulerConfig("""{"_class_name": "PNDMScheduler", "skip_prk_steps": true}""");
        var e = ExportFails();
        Assert.That(e.Message, Does.StartWith(path).And.Contain("field '_class_name'").And.Contain("'PNDMScheduler'").And.Contain("DPMSolverMultistepScheduler"));
    }

    [Test]
    public void AnOptionTheRuntimeCannotRunIsRefusedNamingTheFileAndField()
    {
        var path = _model.WriteSchedulerConfig("""{"_class_name": "DPMSolverMultistepScheduler", "use_karras_sigmas": true, "lambda_min_clipped": -Infinity}""");
        var e = ExportFails();
        Assert.That(e.Message, Does.StartWith(path).And.Contain("field 'use_karras_sigmas'").And.Contain("allowed: false").And.Contain("DPMSolverMultistepScheduler"));
    }

    [Test]
    public void AConfigWithoutClassNameOrWithShiftOverrideIsRefused()
    {
        var path = _model.WriteSchedulerConfig("""{"shift": 3.0}""");
        Assert.That(ExportFails().Message, Does.StartWith(path).And.Contain("'_class_name'"));
        _model.WriteSchedulerConfig("""{"_class_name": "FlowMatchEulerDiscreteScheduler", "shift": 3.0}""");
        Assert.That(ExportFails(new ExportOptions { Shift = 2 }).Message, Does.Contain("--shift").And.Contain("'shift'"));
        _model.WriteSchedulerConfig("{ nope");
        Assert.That(ExportFails().Message, Does.Contain("invalid JSON"));
    }

    [Test]
    public void WithoutAConfigThePackageGetsSamplerSettingsAsBefore()
    {
        var manifest = PixArtExporter.Export(_model.Checkpoint, _model.Package, new ExportOptions { Shift = 2 });
        var scheduler = manifest.Components.Scheduler;
        Assert.That((scheduler.ClassName, scheduler.Config, scheduler.Sampler!.Kind, scheduler.Sampler.Shift),
            Is.EqualTo((FlowMatchEulerDiscreteConfig.Name, (System.Text.Json.JsonElement?)null, SamplerSettings.FlowEuler, 2.0)));
    }

    [Test]
    public void APackageWhoseSchedulerTheRuntimeCannotRunDoesNotOpen()
    {
        _model.WriteSchedulerConfig(SchedulerConfigsJson.PixArtDpmSolver);
        PixArtExporter.Export(_model.Checkpoint, _model.Package, new ExportOptions());
        var manifest = _model.PackageFile(ModelManifest.FileName);
        var text = File.ReadAllText(manifest);
        File.WriteAllText(manifest, text.Replace("\"use_karras_sigmas\": false", "\"use_karras_sigmas\": true"));
        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Open(_model.Package))!;
        Assert.That(e.Message, Does.Contain("field 'components.scheduler.config.use_karras_sigmas'").And.Contain("DPMSolverMultistepScheduler").And.Contain("allowed: false"));
        File.WriteAllText(manifest, text.Replace("\"className\": \"DPMSolverMultistepScheduler\"", "\"className\": \"LCMScheduler\""));
        Assert.That(Assert.Throws<ModelPackageException>(() => ModelPackage.Open(_model.Package))!.Message, Does.Contain("field 'components.scheduler.className'").And.Contain("'LCMScheduler'"));
        var node = System.Text.Json.Nodes.JsonNode.Parse(text)!;
        node["components"]!["scheduler"]!.AsObject().Remove("config");
        File.WriteAllText(manifest, node.ToJsonString());
        Assert.That(Assert.Throws<ModelPackageException>(() => ModelPackage.Open(_model.Package))!.Message, Does.Contain("field 'components.scheduler' has neither a config nor sampler settings"));
    }
}
