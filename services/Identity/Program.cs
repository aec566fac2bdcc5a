var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseIdentityPipeline();
app.MapDefaultEndpoints();
app.MapIdentityApi();

app.Run();
