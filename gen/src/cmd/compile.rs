//! `panther compile`: a model file compiled for a machine config: the programs as
//! assembly listings (a comment per block), a bundle that `panther run` executes for one
//! training step, and the mapping report (MCUs per layer, utilisation of their arrays).

use crate::common::{print_stdout, table, to_json, write_file, ConfigArg};
use anyhow::{Context, Result};
use panther_sim::train::compile::{compile, place};
use panther_sim::train::plan::Plan;
use panther_sim::train::{run::initial_weights, Model, Split};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct CompileArgs {
    /// The model file (TOML; docs/training.md).
    pub model: PathBuf,
    #[command(flatten)]
    pub config: ConfigArg,
    /// Output folder: bundle.toml, the listings (step/, predict/, crs/: tileT.s for a tile's
    /// control unit, tileT.coreC.s for a core), weight images, mapping.json.
    #[arg(short = 'o', long)]
    pub out: PathBuf,
    /// Put this data set's first training sample (and its label) into the bundle's data
    /// memory, so that `panther run` trains on it; without it the input is 0.
    #[arg(long)]
    pub data: Option<String>,
}

pub fn run(a: &CompileArgs) -> Result<()> {
    let origin = a.model.display().to_string();
    let model = Model::load(&a.model)?;
    let cfg = model.config_for(&a.config.load()?);
    model.validate_for(&cfg, &origin)?;
    let plan = Plan::new(&model, &cfg);
    let c = compile(&plan, &cfg).with_context(|| format!("compiling {origin}"))?;
    let sample = match &a.data {
        Some(d) => {
            let s = Split::load(d, 0.2)?.scaled_for(&model);
            model.check_features(s.train.dim(), &origin, d)?;
            Some((s.train.features[0].clone(), s.train.labels[0]))
        }
        None => None,
    };
    std::fs::create_dir_all(&a.out)
        .with_context(|| format!("-o {}: cannot create the folder", a.out.display()))?;
    let w = initial_weights(&model, &cfg);
    let (rows, cols) = (cfg.array.rows, cfg.array.cols);
    let cpt = cfg.arch.cores_per_tile;
    let mut images = Vec::new();
    let mut weights = std::collections::BTreeMap::<(usize, usize), String>::new();
    for (k, b) in plan.blocks.iter().enumerate() {
        let img = plan.block_image(k, &w, rows, cols);
        let name = format!("weights_mcu{k}.json");
        images.push((name.clone(), serde_json::to_string(&img)?));
        let (t, core, p) = place(k, cpt);
        weights.entry((t, core)).or_default().push_str(&format!(
            "    [[tiles.cores.weights]]\n    mcu = {p}\n    file = \"{name}\"   # layer {} row block {} col block {}\n",
            b.layer, b.rb, b.cb
        ));
    }
    let mut dmem = String::new();
    if let Some((x, y)) = &sample {
        let (xs, t) = plan.sample_words(x, *y, cfg.format.frac_bits);
        let mut inputs = vec![
            ("input", plan.io.x, xs),
            ("one-hot target", plan.io.target, t),
        ];
        // The first training step's random words for the updates' stochastic rounding.
        if let Some((s, words)) = plan.dither_words(1) {
            inputs.push(("random words of the update rounding", s, words));
        }
        for (what, s, words) in inputs {
            dmem.push_str(&format!(
                "    [[tiles.cores.dmem]]\n    addr = {}   # {what}\n    words = {:?}\n",
                c.buffer_addr[s.buf] as usize + s.start,
                words
            ));
        }
    }
    let mut tiles = String::new();
    for t in &c.step.tiles {
        tiles.push_str(&format!(
            "\n[[tiles]]\nid = {}\nprogram = \"{}\"\n",
            t.tile,
            t.tcu_file("step")
        ));
        for (core, _) in &t.cores {
            tiles.push_str(&format!(
                "  [[tiles.cores]]\n  id = {core}\n  program = \"{}\"\n",
                t.core_file("step", *core)
            ));
            if (t.tile, *core) == (0, 0) {
                tiles.push_str(&dmem);
            }
            if let Some(wt) = weights.get(&(t.tile, *core)) {
                tiles.push_str(wt);
            }
        }
    }
    let bundle = format!(
        "# {} compiled by `panther compile` for the `{}` config: one training step.\n\
         # predict/ (inference) and crs/ (carry resolution) hold the other programs of the\n\
         # runtime (`panther train --engine arch`); mapping.json places the layers.\n\
         name = \"{}\"\n\
         description = \"one training step of {}\"\n\
         config = \"config.toml\"\n\n\
         [arch]\ncores_per_tile = {}\n{tiles}",
        model.name, cfg.name, model.name, model.name, cpt
    );
    for name in ["step", "predict", "crs"] {
        std::fs::create_dir_all(a.out.join(name))
            .with_context(|| format!("-o {}: cannot create {name}/", a.out.display()))?;
    }
    let mut files: Vec<(String, &str)> = Vec::new();
    for (name, p) in [("step", &c.step), ("predict", &c.predict), ("crs", &c.crs)] {
        files.extend(p.files(name));
    }
    for (name, text) in &images {
        files.push((name.clone(), text));
    }
    let config = cfg.to_toml();
    files.push(("bundle.toml".into(), &bundle));
    files.push(("config.toml".into(), &config));
    for (name, text) in files {
        write_file(&a.out.join(name), text.as_bytes())?;
    }
    write_file(
        &a.out.join("mapping.json"),
        to_json(&c.mapping, true)?.as_bytes(),
    )?;
    let rows_txt: Vec<Vec<String>> = c
        .mapping
        .iter()
        .map(|m| {
            vec![
                m.layer.to_string(),
                format!("{}x{}", m.rows, m.cols),
                m.mcus.len().to_string(),
                m.mcus
                    .iter()
                    .map(|(t, c, p)| format!("t{t}.c{c}.m{p}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                format!("{:.1}", 100.0 * m.utilisation),
            ]
        })
        .collect();
    let cores: usize = c.step.tiles.iter().map(|t| t.cores.len()).sum();
    print_stdout(&format!(
        "{} on {} ({}x{} arrays): {} MCUs on {cores} cores of {} tiles; instructions: step {}, predict {}, crs {}; written to {}\n{}",
        model.name,
        cfg.name,
        rows,
        cols,
        plan.mcus(),
        c.step.tiles.len(),
        c.step.instructions(),
        c.predict.instructions(),
        c.crs.instructions(),
        a.out.display(),
        table(&["layer", "weights (rows x cols)", "MCUs", "placed on", "utilisation %"], &rows_txt).trim_end()
    ))?;
    Ok(())
}
