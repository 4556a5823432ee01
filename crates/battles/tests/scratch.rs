use versus_battles::*;
#[test]
fn scratch() {
    let dir = std::path::Path::new("tests/malformed");
    let mut names: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    for n in names { match read_file(&dir.join(&n), &ReadOptions::default()) { Ok(s) => println!("OK?? {n} {}", s.len()), Err(e) => println!("{n}\t{e}") } }
}
